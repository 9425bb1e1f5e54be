"""Exact percentiles, the bootstrap interval's calibration and power, Clopper-Pearson intervals.

The decision rule (PASS when the interval lies under the bound, FAIL when over it) promises that
a system exactly at the bound is called FAIL with probability at most (1 - confidence) / 2.
The calibration test checks that promise on simulated latencies with fixed seeds; the power test
checks that a system twice as slow as the bound fails every time at the sample sizes used.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.load.statistics import clopper_pearson, judge, percentile, percentile_interval
from harness.verdict import Verdict

_SIGMA = 0.6  # lognormal latencies: a long right tail like real response times


def _lognormal_with_p95(rng: np.random.Generator, p95: float, n: int) -> np.ndarray:
    mu = np.log(p95) - _SIGMA * stats.norm.ppf(0.95)
    return rng.lognormal(mu, _SIGMA, size=n)


def test_percentiles_are_observed_values_not_interpolations() -> None:
    values = np.array([10.0, 20.0, 30.0, 40.0])
    assert percentile(values, 50) == 20.0
    assert percentile(values, 75) == 30.0
    assert percentile(values, 99) == 40.0
    assert percentile(np.arange(1, 101, dtype=float), 95) == 95.0


def test_clopper_pearson_matches_scipys_exact_interval() -> None:
    for errors, total in ((0, 1000), (3, 1000), (22, 1100), (50, 50)):
        ours = clopper_pearson(errors, total, 0.95)
        theirs = stats.binomtest(errors, total).proportion_ci(0.95, method="exact")
        assert ours.low == pytest.approx(theirs.low, abs=1e-12)
        assert ours.high == pytest.approx(theirs.high, abs=1e-12)


def test_judge_needs_the_whole_interval_on_one_side_and_enough_samples() -> None:
    interval = clopper_pearson(0, 1100, 0.95)  # upper bound 0.34 %
    assert judge(interval, 0.005, 50) is Verdict.PASS
    assert judge(interval, 0.003, 50) is Verdict.INCONCLUSIVE
    assert judge(interval, 0.005, 2000) is Verdict.INCONCLUSIVE
    assert judge(clopper_pearson(22, 1100, 0.95), 0.005, 50) is Verdict.FAIL
    assert judge(clopper_pearson(0, 0, 0.95), 0.005, 1) is Verdict.INCONCLUSIVE


def test_a_system_exactly_at_the_bound_fails_no_more_often_than_promised() -> None:
    """Calibration: 400 rushes of 300 requests whose true p95 is the bound. The promised FAIL
    rate is 2.5 %; the test fails only if a 99.9 % binomial interval of the observed rate lies
    wholly above it."""
    rng = np.random.default_rng(20261201)
    fails = 0
    trials = 400
    for _ in range(trials):
        latencies = _lognormal_with_p95(rng, 500.0, 300)
        interval = percentile_interval(latencies, 95, 0.95, 400, rng)
        fails += judge(interval, 500.0, 50) is Verdict.FAIL
    low = stats.binomtest(fails, trials).proportion_ci(0.999, method="exact").low
    assert low <= 0.025, f"{fails} of {trials} rushes at the bound were called FAIL"


def test_a_system_twice_as_slow_as_the_bound_always_fails() -> None:
    """Power: with 300 requests and a true p95 of twice the bound, every one of 200 rushes is
    FAIL (the estimate's spread is a few percent of the value), and twice as fast always PASS."""
    rng = np.random.default_rng(7)
    for true_p95, expected in ((1000.0, Verdict.FAIL), (250.0, Verdict.PASS)):
        verdicts = {
            judge(percentile_interval(_lognormal_with_p95(rng, true_p95, 300), 95, 0.95, 400,
                                      rng), 500.0, 50)
            for _ in range(200)
        }
        assert verdicts == {expected}


def test_the_interval_is_reproducible_from_its_seed_and_brackets_the_estimate() -> None:
    values = _lognormal_with_p95(np.random.default_rng(1), 100.0, 2000)
    first = percentile_interval(values, 99, 0.95, 1000, np.random.default_rng(5))
    again = percentile_interval(values, 99, 0.95, 1000, np.random.default_rng(5))
    assert first == again
    assert first.low <= first.estimate <= first.high and first.samples == 2000
