"""The in-process draw simulators: correct draws are uniform, each defect has the strength it
claims (so detection tests measure what they say)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.fairness.population import Population
from harness.fairness.simulate import biased_draws, related_pairs, uniform_draws
from harness.fairness.stats.counting import selection_counts
from harness.fairness.stats.pairs import overlaps


def test_uniform_draws_fill_every_slot_uniformly() -> None:
    """Each slot (primary rank 1, reserve rank 1, ...) holds a uniformly random applicant."""
    primary, reserve = uniform_draws(50, 5, 3, 20_000, np.random.default_rng(6))
    for slot in np.concatenate([primary, reserve], axis=1).T:
        assert stats.chisquare(np.bincount(slot, minlength=50)).pvalue > 1e-4


@pytest.mark.parametrize("ratio", [1.3, 0.5])
def test_region_bias_has_the_stated_ratio(small_population: Population, ratio: float) -> None:
    primary, _ = biased_draws("region", small_population, 60, 0, 6000,
                              np.random.default_rng(1), ratio - 1)
    names, codes = small_population.region_codes
    smallest = np.argmin(np.bincount(codes))
    counts = selection_counts(primary, small_population.size)
    mine = counts[codes == smallest].mean()
    others = counts[codes != smallest].mean()
    assert mine / others == pytest.approx(ratio, rel=0.04)


def test_order_bias_puts_the_stated_share_in_the_first_fifteenth(
        medium_population: Population) -> None:
    primary, _ = biased_draws("order", medium_population, 100, 0, 300,
                              np.random.default_rng(2), 0.9)
    early = medium_population.order[primary] < round(medium_population.size / 15)
    assert early.mean() == pytest.approx(0.9, abs=0.01)


def test_exclusion_and_reserve_ranks(small_population: Population) -> None:
    primary, reserve = biased_draws("exclude_last", small_population, 60, 20, 500,
                                    np.random.default_rng(3), 1.0)
    assert not np.isin(small_population.size - 1, np.concatenate([primary, reserve], axis=1))
    _, reserve = biased_draws("reserve_rank", small_population, 60, 20, 2000,
                              np.random.default_rng(4), 0.25)
    ordered = np.all(np.diff(small_population.order[reserve], axis=1) > 0, axis=1)
    assert ordered.mean() == pytest.approx(0.25, abs=0.03)


def test_related_draws_share_the_stated_excess(medium_population: Population) -> None:
    n, k, m = medium_population.size, 1000, 400
    primary, _ = biased_draws("related", medium_population, k, 0, m, np.random.default_rng(5),
                              0.05)
    shared = overlaps(primary, related_pairs(m), n)
    excess = (shared.mean() - k * k / n) / (k * (1 - k / n))
    assert excess == pytest.approx(0.05, abs=0.005)
    independent = overlaps(primary, np.array([[0, 3], [2, 5], [4, 7]]), n)
    assert np.all(np.abs(independent - k * k / n) < 40)


def test_neighbour_defect_and_unknown_kinds(small_population: Population) -> None:
    primary, _ = biased_draws("neighbours", small_population, 60, 0, 200,
                              np.random.default_rng(6), 0.5)
    together = np.mean([np.sum(np.isin(row ^ 1, row)) / 2 for row in primary])
    assert together >= 15  # 60 * 0.5 / 2 pairs planted, about 3 more by chance
    with pytest.raises(ValueError, match="unknown bias kind 'sideways'"):
        biased_draws("sideways", small_population, 60, 0, 1, np.random.default_rng(0), 1.0)
