"""Detection: each defect the profiles state fails its requirement, at sizes where the analysis's
own power statement is at least 0.999 (alpha = 0.01, Holm over all F-01..F-05 tests).

The quick tests check a few seeded runs and the analytic power; the slow ones measure the power
as the detected fraction of 100 seeded runs (printed with -s) and fail only when its
Clopper-Pearson interval lies wholly below 0.999.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from harness.fairness.config import FairnessConfig
from harness.fairness.population import Population
from harness.fairness.simulate import synthetic_population
from harness.verdict import Verdict
from tests.fairness.stats._statkit import analyse

CONFIG = FairnessConfig(power=0.999)


@dataclass(frozen=True)
class Defect:
    kind: str
    strength: float
    requirement: str
    k: int
    r: int
    m: int
    population: str = "medium"


DEFECTS = {
    # DV-2012: 90 % of the winners from the first 1/15 of registrations, one or two draws.
    "dv2012_one_draw": Defect("order", 0.9, "F-03", 100, 20, 1),
    "dv2012_two_draws": Defect("order", 0.9, "F-03", 100, 20, 2),
    # one region's chance 10 % higher (the smallest region, 4 % of N = 10,000)
    "region_10_percent": Defect("region", 0.10, "F-04", 1000, 0, 200),
    # j = i + (16-bit word mod (N - i)) at N = 10,000 <= 65,536 ...
    "mod16_n10000": Defect("mod16", 1.0, "F-01", 1000, 0, 100),
    # ... and at N = 70,000 > 65,536, where positions past 65,536 + K are never picked
    "mod16_n70000": Defect("mod16", 1.0, "F-01", 500, 0, 3, population="large"),
    # the last canonical applicant is never picked
    "exclude_last": Defect("exclude_last", 1.0, "F-01", 1000, 0, 200),
    # 5 % of draws list their reserves in registration order
    "reserve_rank": Defect("reserve_rank", 0.05, "F-02", 1000, 200, 300),
    # draws whose seeds differ in one bit share half of their winners, or 5 % beyond chance
    "related_half": Defect("related", 0.5, "F-05", 1000, 0, 20),
    "related_5_percent": Defect("related", 0.05, "F-05", 1000, 0, 20),
}


@pytest.fixture(scope="module")
def populations(medium_population: Population) -> dict[str, Population]:
    return {"medium": medium_population,
            "large": synthetic_population(70_000, np.random.default_rng(20260103))}


def _run(defect: Defect, population: Population, seed: int) -> tuple[bool, float]:
    """(did the defect's requirement FAIL, the analysis's power against its stated bias)."""
    result = analyse(population, defect.k, defect.r, defect.m, seed, CONFIG, defect.kind,
                     defect.strength)
    stated = [t.power or 0.0 for t in result[defect.requirement].tests if t.alternative]
    return result[defect.requirement].verdict is Verdict.FAIL, max(stated, default=0.0)


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_defect_fails_its_requirement(name: str, populations: dict[str, Population]) -> None:
    defect = DEFECTS[name]
    for seed in range(3):
        detected, power = _run(defect, populations[defect.population], seed)
        assert detected, f"{name}, seed {seed}"
        assert power >= 0.999, f"{name}: stated power {power}"


def test_correct_draws_at_the_same_sizes_pass(populations: dict[str, Population]) -> None:
    """The sizes above are large enough that a correct draw PASSes (no INCONCLUSIVE)."""
    result = analyse(populations["medium"], 1000, 200, 300, 5, CONFIG)
    assert {rid: a.verdict for rid, a in result.items()} == {
        rid: Verdict.PASS for rid in ("F-01", "F-02", "F-03", "F-04", "F-05")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_measured_power(name: str, populations: dict[str, Population]) -> None:
    defect = DEFECTS[name]
    runs = 100
    hits = sum(_run(defect, populations[defect.population], 10_000 + seed)[0]
               for seed in range(runs))
    _, high = stats.binomtest(hits, runs).proportion_ci(0.99)
    print(f"{name}: detected in {hits}/{runs} runs (N = "
          f"{populations[defect.population].size}, K = {defect.k}, R = {defect.r}, "
          f"M = {defect.m})")
    assert high >= 0.999
