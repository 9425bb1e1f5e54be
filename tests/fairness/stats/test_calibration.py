"""Calibration: on correct draws the whole F-01..F-05 analysis fails no more often than alpha.

Each test fails only when the Clopper-Pearson interval of the observed rate lies wholly above the
nominal rate, so a correct implementation cannot make it flaky, while a miscalibrated one (say a
false-alarm rate of twice alpha) is caught.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from harness.fairness.config import FairnessConfig
from harness.fairness.population import Population
from harness.verdict import Verdict
from tests.fairness.stats._statkit import analyse

RUNS = 200
ALPHA = 0.05  # larger than a profile's, so that 200 runs say something


def _interval(hits: int, runs: int) -> tuple[float, float]:
    low, high = stats.binomtest(hits, runs).proportion_ci(0.99)
    return float(low), float(high)


def test_family_wise_false_alarm_rate_is_at_most_alpha(small_population: Population) -> None:
    config = FairnessConfig(alpha=ALPHA)
    failed_runs = 0
    p_values: dict[str, list[float]] = {}
    for run in range(RUNS):
        result = analyse(small_population, 40, 20, 60, seed=1000 + run, config=config)
        failed_runs += any(a.verdict is Verdict.FAIL for a in result.values())
        for analysis in result.values():
            for test in analysis.tests:
                p_values.setdefault(test.name, []).append(test.p_value)
    low, high = _interval(failed_runs, RUNS)
    print(f"family-wise false alarms: {failed_runs}/{RUNS}, 99% CI [{low:.3f}, {high:.3f}]")
    assert low <= ALPHA
    assert len(p_values) == 21 and all(len(v) == RUNS for v in p_values.values())
    for name, values in p_values.items():  # each test alone holds its level too
        low, _ = _interval(int(np.sum(np.array(values) < ALPHA)), RUNS)
        assert low <= ALPHA, name
