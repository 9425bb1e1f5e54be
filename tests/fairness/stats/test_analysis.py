"""The analysis record: verdict rules on edge samples, Holm bookkeeping, plots and JSON."""

from __future__ import annotations

import json

import numpy as np

from harness.fairness.analysis import (
    REQUIREMENTS,
    TEST_CATALOGUE,
    analyse_draws,
    analyse_samples,
    decision_rule,
)
from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.population import Population
from harness.fairness.simulate import (
    biased_draws,
    related_pairs,
    synthetic_population,
    uniform_draws,
)
from harness.verdict import Verdict
from tests.fairness.stats._statkit import analyse


def test_record_is_complete_json_and_holm_adjusted(medium_population: Population) -> None:
    result = analyse(medium_population, 1000, 200, 200, seed=2)
    assert list(result) == list(REQUIREMENTS)
    names = [t.name for a in result.values() for t in a.tests]
    assert sorted(names) == sorted(n for v in TEST_CATALOGUE.values() for n in v)
    family = len(names)
    for analysis in result.values():
        assert analysis.decision["family_size"] == family
        assert analysis.decision["power_level"] == 0.01 / family
        for test in analysis.tests:
            assert test.adjusted_p_value is not None and test.adjusted_p_value >= test.p_value
            assert test.rejected == (test.adjusted_p_value <= 0.01)
            assert test.n_applicants == 10_000 and test.n_draws == 200
            assert test.null_hypothesis and test.effect_label and test.source
    text = json.dumps({rid: a.to_dict() for rid, a in result.items()}, allow_nan=False)
    plots = json.loads(text)["F-01"]["plots"]
    histogram = plots["primary_count_histogram"]
    assert sum(histogram["observed"]) == 10_000
    assert abs(sum(histogram["expected"]) - 10_000) < 1
    band = json.loads(text)["F-03"]["plots"]["rate_by_registration_order"]
    assert len(band["rate"]) == 10
    assert all(lo < 0.1 < hi for lo, hi in zip(band["lower"], band["upper"], strict=True))
    qq = plots["test_p_value_qq"]
    assert len(qq["expected"]) == len(qq["observed"]) == 3


def test_decision_rule_states_the_numbers() -> None:
    rule = decision_rule(FairnessConfig(alpha=0.005, power=0.95))
    assert rule["method"] == "holm" and rule["alpha"] == 0.005 and rule["power_target"] == 0.95
    assert rule["stated_biases"]["F-04"] == {"region_bias": 0.10}
    assert rule["F-07"]["sequences_needed_per_source"] == 115
    assert "0.005" in rule["text"]
    json.dumps(rule, allow_nan=False)


def _sample(population: Population, k: int, r: int, m: int,
            pairs: np.ndarray | None = None) -> DrawSample:
    primary, reserve = uniform_draws(population.size, k, r, m, np.random.default_rng(1))
    return DrawSample(population, k, r, primary, reserve,
                      np.zeros((0, 2)) if pairs is None else pairs)


def test_without_related_pairs_f05_is_inconclusive(medium_population: Population) -> None:
    result = analyse_draws(_sample(medium_population, 1000, 0, 40), FairnessConfig(), 1)
    assert result["F-05"].verdict is Verdict.INCONCLUSIVE
    assert "no related-seed pairs" in result["F-05"].reason
    assert result["F-03"].verdict is Verdict.PASS


def test_edge_samples(small_population: Population) -> None:
    config = FairnessConfig()
    no_draws = analyse_draws(_sample(small_population, 10, 5, 0), config, 1)
    assert {a.verdict for a in no_draws.values()} == {Verdict.INCONCLUSIVE}
    everyone = analyse_draws(_sample(small_population, 600, 5, 3), config, 1)
    assert everyone["F-01"].verdict is Verdict.PASS and "by construction" in everyone["F-01"].reason
    assert everyone["F-02"].verdict is Verdict.NOT_APPLICABLE
    no_reserve = analyse_draws(_sample(small_population, 10, 0, 3), config, 1)
    assert no_reserve["F-02"].verdict is Verdict.NOT_APPLICABLE
    nobody = analyse_draws(_sample(small_population, 0, 10, 30), config, 1)
    assert nobody["F-01"].verdict is Verdict.NOT_APPLICABLE
    assert nobody["F-02"].tests  # reserves alone are still analysed


def test_one_region_only_has_no_region_test() -> None:
    n = 400
    population = Population.from_registrations(
        [f"a{i:04d}" for i in range(n)], np.arange(n, dtype=float), ["only"] * n,
        _valid_ids(n))
    result = analyse_draws(_sample(population, 40, 0, 50), FairnessConfig(), 1)
    names = [t.name for t in result["F-04"].tests]
    assert "rate_by_region" not in names and "rate_by_national_id_last_digit" in names
    assert result["F-04"].verdict is not Verdict.FAIL


def _valid_ids(n: int) -> list[str]:
    out = []
    for i in range(n):
        body = [int(c) for c in f"{i * 7919 + 100003:09d}"]
        rest = sum(d * (10 - j) for j, d in enumerate(body)) % 11
        out.append("".join(map(str, body + [rest if rest < 2 else 11 - rest])))
    return out


def test_several_samples_form_one_holm_family(medium_population: Population) -> None:
    large = synthetic_population(70_000, np.random.default_rng(3))
    rng = np.random.default_rng(9)
    primary, reserve = biased_draws("mod16", large, 500, 100, 4, rng, 1.0)
    faulty = DrawSample(large, 500, 100, primary, reserve, related_pairs(4))
    primary, reserve = uniform_draws(10_000, 1000, 200, 200, rng)
    correct = DrawSample(medium_population, 1000, 200, primary, reserve, related_pairs(200))
    both = analyse_samples({"N=10000": correct, "N=70000": faulty}, FairnessConfig(), 1)
    alone = analyse_draws(correct, FairnessConfig(), 1)
    family = both["F-01"].decision["family_size"]
    assert family == 2 * alone["F-01"].decision["family_size"]
    assert both["F-01"].verdict is Verdict.FAIL
    assert {t.name for t in both["F-01"].tests if t.rejected} >= {
        "N=70000:primary_rate_by_position"}
    assert all(t.name.split(":")[0] in ("N=10000", "N=70000") for t in both["F-03"].tests)
    assert any(a.startswith("N=70000:") for a in both["F-01"].decision["untestable_biases"]
               + [t.alternative for t in both["F-01"].tests])


def test_plots_and_decisions_are_plain_json(medium_population: Population) -> None:
    """Callers may serialise the fields directly, without to_dict()."""
    result = analyse(medium_population, 1000, 200, 50, seed=3)
    for analysis in result.values():
        json.dumps(analysis.plots, allow_nan=False)
        json.dumps(analysis.decision, allow_nan=False)
        json.dumps(analysis.message_params, allow_nan=False)
        for test in analysis.tests:
            assert all(type(v) in (float, int, bool, str, type(None))
                       for v in test.__dict__.values())
