"""F-07's decision rule: Holm over every battery column keeps a correct source's false-alarm rate
at alpha (where NIST's per-column rule trips far more often), catches a biased column, and is
INCONCLUSIVE only when too few sequences were pulled."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import numpy as np
import pytest
from scipy import stats

from harness.fairness.battery_verdict import (
    assess_batteries,
    assess_battery,
    excursion_applicability,
    sequences_needed,
)
from harness.fairness.config import FairnessConfig
from harness.fairness.sp800_22 import TEST_NAMES, column_labels, run_battery
from harness.fairness.sp800_22.assessment import assess_column
from harness.verdict import Verdict

RE_SHARE = excursion_applicability(1_000_000)
WIDTHS = {name: len(column_labels(name)) for name in TEST_NAMES}


def _null_battery(sequences: int, rng: np.random.Generator,
                  skew: dict[str, float] | None = None) -> dict[str, Any]:
    """The ``to_dict()`` layout of a battery run on a correct source: uniform P-values, random
    excursions applying to each sequence with the probability a random walk gives. ``skew``
    raises one test's P-values to a power (> 1: too many small P-values)."""
    applies = rng.random(sequences) < RE_SHARE
    tests = {}
    for name, width in WIDTHS.items():
        values = rng.random((sequences, width)) ** (skew or {}).get(name, 1.0)
        matrix: list[list[float | None]] = values.tolist()
        if name in ("RandomExcursions", "RandomExcursionsVariant"):
            matrix = [row if ok else [None] * width
                      for row, ok in zip(matrix, applies, strict=True)]
        tests[name] = [p for row in matrix for p in row]
    return {"tests": tests, "columns": {n: list(column_labels(n)) for n in TEST_NAMES}}


def _nist_rule_fails(battery: dict[str, Any]) -> bool:
    for name, width in WIDTHS.items():
        matrix = np.array(battery["tests"][name], dtype=np.float64).reshape(-1, width)
        for j in range(width):
            column = [None if np.isnan(v) else float(v) for v in matrix[:, j]]
            if assess_column("x", column).verdict is Verdict.FAIL:
                return True
    return False


def test_applicability_of_random_excursions() -> None:
    """Feller's law of the returns to zero against the normal limit P(|Z| >= 500 / sqrt(n))."""
    assert RE_SHARE == pytest.approx(0.6177, abs=5e-4)  # "about 62 %"
    for n in (1_000_000, 4_000_000):
        assert excursion_applicability(n) == pytest.approx(
            2 * stats.norm.sf(499 / np.sqrt(n)), abs=2e-3)


def test_sequences_needed() -> None:
    strict = FairnessConfig()
    needed = sequences_needed(strict)
    assert stats.binom.sf(54, needed, RE_SHARE) >= 1 - strict.battery_inconclusive_rate
    assert stats.binom.sf(54, needed - 1, RE_SHARE) < 1 - strict.battery_inconclusive_rate
    assert needed == 115
    assert sequences_needed(FairnessConfig(battery_excursions_need_uniformity=False)) == 55


def test_family_wise_false_alarms_stay_at_alpha_where_nist_rule_trips_often() -> None:
    """200 simulated correct sources of 100 sequences (NIST's usual size) at alpha = 0.05; NIST's
    per-column rule on the first 60 of them."""
    config = FairnessConfig(alpha=0.05)
    rng = np.random.default_rng(20260104)
    runs, ours, nist = 200, 0, 0
    for run in range(runs):
        battery = _null_battery(100, rng)
        ours += assess_battery(battery, config).verdict is Verdict.FAIL
        nist += run < 60 and _nist_rule_fails(battery)
    low, high = stats.binomtest(ours, runs).proportion_ci(0.99)
    print(f"Holm rule: {ours}/{runs} false alarms (99% CI {low:.3f}-{high:.3f}); "
          f"NIST per-column rule: {nist}/60")
    assert low <= config.alpha
    assert nist / 60 > 0.25  # why the rule is needed: about half of correct sources trip it


def test_enough_sequences_make_inconclusive_rare() -> None:
    config = FairnessConfig(battery_inconclusive_rate=0.01)
    rng = np.random.default_rng(20260105)
    runs = 150
    verdicts = [assess_battery(_null_battery(sequences_needed(config), rng), config).verdict
                for _ in range(runs)]
    inconclusive = verdicts.count(Verdict.INCONCLUSIVE)
    assert stats.binomtest(inconclusive, runs).proportion_ci(0.99)[0] <= 0.01
    assert verdicts.count(Verdict.PASS) >= runs * 0.95


def test_a_biased_column_fails_and_is_named() -> None:
    rng = np.random.default_rng(7)
    result = assess_battery(_null_battery(115, rng, skew={"Frequency": 3.0}), FairnessConfig())
    assert result.verdict is Verdict.FAIL
    assert any(t.name.startswith("source:Frequency:") for t in result.tests if t.rejected)
    assert result.decision["rejected"] and result.requirement == "F-07"


def test_too_few_sequences_is_inconclusive_with_the_number_needed() -> None:
    result = assess_battery(_null_battery(60, np.random.default_rng(3)), FairnessConfig())
    assert result.verdict is Verdict.INCONCLUSIVE and "115 sequences" in result.reason
    relaxed = FairnessConfig(battery_excursions_need_uniformity=False)
    assert assess_battery(_null_battery(60, np.random.default_rng(3)), relaxed).verdict \
        is Verdict.PASS


def test_sources_share_one_holm_family() -> None:
    rng = np.random.default_rng(4)
    both = assess_batteries({"server-seeds": _null_battery(115, rng),
                             "stream": _null_battery(115, rng)}, FairnessConfig())
    one = assess_battery(_null_battery(115, rng), FairnessConfig())
    assert both.decision["family_size"] > one.decision["family_size"]
    assert {t.name.split(":")[0] for t in both.tests} == {"server-seeds", "stream"}
    assert all(t.adjusted_p_value is not None and t.adjusted_p_value >= t.p_value
               for t in both.tests)


def test_takes_the_battery_report_and_its_json_form_alike() -> None:
    data = hashlib.shake_256(b"F-07 layout").digest(250_000)  # two 10^6-bit sequences
    report = run_battery(data, sequences=2)
    config = FairnessConfig()
    direct, via_dict = assess_battery(report, config), assess_battery(report.to_dict(), config)
    assert [t.p_value for t in direct.tests] == [t.p_value for t in via_dict.tests]
    assert direct.verdict is Verdict.INCONCLUSIVE  # 2 sequences: no uniformity check


@pytest.mark.slow
def test_real_random_bytes_pass_the_real_battery() -> None:
    """Bytes from the operating system's CSPRNG through the real battery. With alpha = 1e-4 and
    an inconclusive rate of 1e-4 this test fails spuriously with probability below 2e-4."""
    config = FairnessConfig(alpha=1e-4, battery_inconclusive_rate=1e-4)
    count = sequences_needed(config)
    report = run_battery(secrets.token_bytes(count * 125_000), sequences=count)
    result = assess_battery(report, config)
    excursions = sum(row[TEST_NAMES.index("RandomExcursions")].applicable for row in report.results)
    print(f"{count} sequences of real random bytes: {result.verdict.value}, smallest p = "
          f"{min(t.p_value for t in result.tests):.3g}; random excursions applied to "
          f"{excursions}")
    assert result.verdict is Verdict.PASS, result.reason
    low, high = stats.binomtest(excursions, count).proportion_ci(0.9999)
    assert low <= RE_SHARE <= high


@pytest.mark.slow
def test_a_biased_generator_fails_the_real_battery() -> None:
    """One bit in 128 forced to 1 (a 0.4 % excess of ones): Frequency fails in every sequence."""
    raw = np.frombuffer(hashlib.shake_256(b"biased source").digest(20 * 125_000), dtype=np.uint8)
    biased = raw.copy()
    biased[::16] |= 1
    result = assess_battery(run_battery(biased.tobytes(), sequences=20), FairnessConfig())
    assert result.verdict is Verdict.FAIL
    assert any(t.name.startswith("source:Frequency:") for t in result.tests if t.rejected)
