"""F-01's per-applicant X^2 corrected for sampling without replacement: exact moments and
uniform p-values on correct draws, where the textbook chi^2(N - 1) is badly off."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.fairness.simulate import uniform_draws
from harness.fairness.stats.chisq import _x2_moments, count_uniformity


def _count_matrix(n: int, k: int, m: int, runs: int, seed: int) -> np.ndarray:
    """Per-applicant counts of ``runs`` independent runs of M correct draws, (runs, N)."""
    primary, _ = uniform_draws(n, k, 0, m * runs, np.random.default_rng(seed))
    run_of = np.repeat(np.arange(runs), m * k)
    return np.bincount(run_of * n + primary.ravel(), minlength=runs * n).reshape(runs, n)


def test_exact_moments_of_the_count_x2() -> None:
    n, k, m = 200, 20, 6
    counts = _count_matrix(n, k, m, 40_000, seed=11)
    mean_count = m * k / n
    x2 = np.sum((counts - mean_count) ** 2, axis=1) / mean_count
    mean, var, third = _x2_moments(n, k, m)
    assert mean == n - k
    assert var == pytest.approx(2 * (n - k) ** 2 * (m - 1) / ((n - 1) * m))
    assert x2.mean() == pytest.approx(mean, rel=0.005)
    assert x2.var() == pytest.approx(var, rel=0.03)
    assert stats.moment(x2, 3) == pytest.approx(third, rel=0.15)


@pytest.mark.parametrize(("n", "k", "m"), [(300, 30, 20), (1000, 100, 30), (500, 250, 12)])
def test_corrected_p_values_are_uniform_and_the_textbook_ones_are_not(n: int, k: int,
                                                                        m: int) -> None:
    counts = _count_matrix(n, k, m, 1500, seed=n + k + m)
    p = np.array([count_uniformity(row, m, k).p_value for row in counts])
    assert stats.kstest(p, "uniform").pvalue > 0.01
    # Pearson's X^2 against chi^2(N - 1) ignores that each draw takes k distinct applicants.
    mean_count = m * k / n
    textbook = stats.chi2.sf(np.sum((counts - mean_count) ** 2, axis=1) / mean_count, n - 1)
    assert stats.kstest(textbook, "uniform").pvalue < 1e-6
    # the false-alarm rate at 1 % is consistent with 1 % (Clopper-Pearson, 99.9 %)
    low, _ = stats.binomtest(int(np.sum(p < 0.01)), len(p)).proportion_ci(0.999)
    assert low <= 0.01


@pytest.mark.parametrize(("n", "k", "m"), [(1000, 100, 5), (200, 20, 10), (1000, 10, 10)])
def test_with_few_selections_per_applicant_the_test_stays_valid(n: int, k: int, m: int) -> None:
    """Below about two expected selections per applicant the lattice of X^2 shows, and the
    p-values are conservative in the middle; their tails must still hold their level."""
    counts = _count_matrix(n, k, m, 4000, seed=7 * n + m)
    p = np.array([count_uniformity(row, m, k).p_value for row in counts])
    for level in (0.05, 0.01, 0.002):
        low, _ = stats.binomtest(int(np.sum(p < level)), len(p)).proportion_ci(0.999)
        assert low <= level


def test_one_draw_carries_no_evidence() -> None:
    counts = _count_matrix(50, 5, 1, 1, seed=1)[0]
    outcome = count_uniformity(counts, 1, 5)
    assert outcome.p_value == 1.0 and "degenerate" in outcome.extra
