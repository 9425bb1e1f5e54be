"""Power statements: the models behind them agree with simulation, and a run that cannot reach
the power target is INCONCLUSIVE, never PASS."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.fairness.config import FairnessConfig
from harness.fairness.planning import required_draws
from harness.fairness.population import Population
from harness.fairness.simulate import biased_draws, synthetic_population
from harness.fairness.stats.counting import selection_counts
from harness.fairness.stats.power import (
    chi2_lambda_needed,
    chi2_power,
    draws_needed,
    modulo_index_inclusion,
)
from harness.verdict import Verdict
from tests.fairness.stats._statkit import analyse


def test_power_helpers_invert_each_other() -> None:
    need = chi2_lambda_needed(9, 0.001, 0.9)
    assert chi2_power(need, 9, 0.001) == pytest.approx(0.9, abs=1e-6)
    assert chi2_power(0.0, 9, 0.001) == 0.001
    assert draws_needed(lambda m: min(1.0, m / 1000), 0.9, 10) == 900
    assert draws_needed(lambda m: 0.0, 0.9, 10, limit=1000) is None


@pytest.mark.parametrize(("n", "k", "r", "draws"),
                         [(10_000, 1000, 400, 1500), (70_000, 300, 0, 150)])
def test_modulo_index_model_matches_simulation(n: int, k: int, r: int, draws: int) -> None:
    """The selection-rate deviations by position bin that the 16-bit modulo index causes, as the
    power statement models them, against a simulation of the defect."""
    population = synthetic_population(n, np.random.default_rng(1))
    primary, reserve = biased_draws("mod16", population, k, r, draws, np.random.default_rng(2),
                                    1.0)
    labels = np.arange(n) * 20 // n
    share = np.bincount(labels) / n
    for picked, start, stop in ((primary, 0, k), (reserve, k, k + r)):
        if stop == start:
            continue
        picks = stop - start
        observed = np.bincount(labels, weights=selection_counts(picked, n)) / (draws * picks)
        model = np.bincount(labels, weights=modulo_index_inclusion(n, start, stop, 16)) / picks
        noise = np.sqrt(share * (1 - share) / (draws * picks))
        assert np.all(np.abs(observed - model) < 4.5 * noise + 1e-12)
        lam_model = np.sum((model - share) ** 2 / share)
        lam_seen = np.sum((observed - share) ** 2 / share) - 19 / (draws * picks)
        assert lam_seen == pytest.approx(lam_model, rel=0.15)


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "strength", "requirement", "test", "k", "r", "m"), [
    ("region", 0.10, "F-04", "rate_by_region", 300, 0, 170),
    ("order", 0.085, "F-03", "rate_by_registration_order", 300, 0, 20),
    ("reserve_rank", 0.04, "F-02", "reserve_rank_by_registration_order", 300, 100, 70),
    ("mod16", 1.0, "F-01", "primary_rate_by_position", 300, 0, 300),
])
def test_stated_power_agrees_with_the_detection_rate(kind: str, strength: float,
                                                     requirement: str, test: str, k: int,
                                                     r: int, m: int) -> None:
    """At sizes where the stated power is moderate (about 0.5), the share of 100 seeded
    defective runs in which the test is rejected matches it (Holm can only add power, so the
    rate may sit a little above)."""
    population = synthetic_population(4000, np.random.default_rng(8))
    config = FairnessConfig(region_bias=strength if kind == "region" else 0.1,
                            order_bias_first_share=strength if kind == "order" else 0.9,
                            reserve_rank_bias=strength if kind == "reserve_rank" else 0.05)
    runs, hits, powers = 100, 0, []
    for seed in range(runs):
        result = analyse(population, k, r, m, seed, config, kind, strength)[requirement]
        found = next(t for t in result.tests if t.name == test)
        hits += bool(found.rejected)
        powers.append(found.power or 0.0)
    stated = float(np.mean(powers))
    low, high = stats.binomtest(hits, runs).proportion_ci(0.99)
    print(f"{kind}: stated power {stated:.3f}, rejected in {hits}/{runs} runs")
    assert 0.3 < stated < 0.8  # the comparison means something only away from 0 and 1
    assert low - 0.05 <= stated <= high + 0.02


def test_too_few_draws_is_inconclusive_and_says_how_many_are_needed(
        medium_population: Population) -> None:
    result = analyse(medium_population, 1000, 0, 20, seed=3)
    f01 = result["F-01"]
    assert f01.verdict is Verdict.INCONCLUSIVE
    assert "draws needed" in f01.reason and f01.message_id == "fairness.stats.underpowered"
    needed = max(t.draws_needed or 0 for t in f01.tests if t.alternative)
    enough = analyse(medium_population, 1000, 0, needed, seed=3)["F-01"]
    assert enough.verdict is Verdict.PASS


def test_required_draws_are_enough(medium_population: Population) -> None:
    config = FairnessConfig()
    needs = required_draws(medium_population, 1000, 200, config, seed=1)
    assert set(needs) == {"F-01", "F-02", "F-03", "F-04", "F-05"}
    assert all(v is not None for v in needs.values())
    m = max(v for v in needs.values() if v is not None)
    result = analyse(medium_population, 1000, 200, m + (m % 2), seed=4, config=config)
    assert all(a.verdict is Verdict.PASS for a in result.values())


def test_the_dv2012_pattern_states_full_power_with_one_draw(
        medium_population: Population) -> None:
    result = analyse(medium_population, 100, 0, 1, seed=1)
    order = next(t for t in result["F-03"].tests if t.alternative)
    assert order.power is not None and order.power > 0.999 and order.draws_needed == 1
