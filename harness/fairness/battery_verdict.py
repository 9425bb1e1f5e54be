"""F-07: one verdict from the SP 800-22 battery, with a family-wise false-alarm rate of alpha.

NIST's second level (section 4.2) judges each of the 188 P-value columns on its own: the
proportion of sequences passing at 0.01 must lie in a 3-sigma band, and the histogram of the
P-values must not be non-uniform at 0.0001. Over 188 columns a correct source trips one of them
up to about half the time (docs/sp800-22.md). Here every column gives two p-values instead:

* proportion: P(Binomial(m, 0.01) >= failures), the exact upper tail of the number of the m
  applicable sequences with P < 0.01 (too many failures);
* uniformity: the chi-square of the 10-bin P-value histogram, 9 degrees of freedom (NIST's
  statistic), computed when the column applies to at least 55 sequences (NIST's minimum).

Holm's procedure at ``alpha`` across all those p-values (of every source assessed together)
keeps the chance that a correct source fails at or below alpha whatever the correlation between
columns. A column that applies to fewer than 55 sequences (random excursions apply to ~62 % of
1,000,000-bit sequences) has no uniformity check: the verdict is then INCONCLUSIVE unless
something fails, and ``sequences_needed`` says how many sequences make that rare.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from scipy import special, stats

from harness.fairness.config import FairnessConfig
from harness.fairness.sp800_22 import TEST_NAMES, column_labels
from harness.fairness.sp800_22.assessment import ALPHA as FIRST_LEVEL_ALPHA
from harness.fairness.sp800_22.assessment import MIN_SEQUENCES_FOR_UNIFORMITY
from harness.fairness.stats.holm import holm_adjust
from harness.fairness.stats.plotdata import quantiles_qq
from harness.fairness.stats.result import RequirementAnalysis, StatTest, jsonable
from harness.verdict import Verdict

__all__ = ["assess_batteries", "assess_battery", "battery_rule", "excursion_applicability",
           "sequences_needed"]

_EXCURSIONS = ("RandomExcursions", "RandomExcursionsVariant")


def excursion_applicability(sequence_bits: int) -> float:
    """Chance that random excursions apply to one random sequence of n bits: J, the number of
    returns to zero of the walk plus one, must reach max(0.005 sqrt(n), 500) and the returns
    must not exceed max(1000, n / 100) (sts's limits). The returns R of a simple random walk of
    2t steps have P(R = j) = C(2t - j, t) 2^-(2t - j) (Feller, vol. 1, III.7)."""
    t = sequence_bits // 2
    low = max(int(np.ceil(max(0.005 * np.sqrt(sequence_bits), 500))) - 1, 0)
    high = min(max(1000, sequence_bits // 100), t)
    j = np.arange(low, high + 1, dtype=np.float64)
    log_p = (special.gammaln(2 * t - j + 1) - special.gammaln(t + 1)
             - special.gammaln(t - j + 1) - (2 * t - j) * np.log(2.0))
    return float(np.exp(log_p).sum())


def sequences_needed(config: FairnessConfig) -> int:
    """Sequences per source so that a correct source is INCONCLUSIVE with probability at most
    ``battery_inconclusive_rate``: every column, random excursions included, must reach the 55
    applicable sequences of the uniformity check (just 55 sequences when the random-excursion
    columns may be judged by their proportion check alone)."""
    if not config.battery_excursions_need_uniformity:
        return MIN_SEQUENCES_FOR_UNIFORMITY
    q = excursion_applicability(config.sequence_bits)
    counts = np.arange(MIN_SEQUENCES_FOR_UNIFORMITY, 100 * MIN_SEQUENCES_FOR_UNIFORMITY)
    enough = stats.binom.sf(MIN_SEQUENCES_FOR_UNIFORMITY - 1, counts, q)
    reached = np.flatnonzero(enough >= 1 - config.battery_inconclusive_rate)
    return int(counts[reached[0]]) if reached.size else int(counts[-1])


def battery_rule(config: FairnessConfig) -> dict[str, Any]:
    """The F-07 decision rule with its numbers, for the evidence."""
    return {
        "method": "holm", "alpha": config.alpha,
        "family": "per P-value column of every source: exact binomial proportion p-value "
                  f"(failures at {FIRST_LEVEL_ALPHA}) and, with at least "
                  f"{MIN_SEQUENCES_FOR_UNIFORMITY} applicable sequences, the chi-square "
                  "uniformity p-value of the 10-bin histogram",
        "min_sequences_for_uniformity": MIN_SEQUENCES_FOR_UNIFORMITY,
        "sequence_bits": config.sequence_bits,
        "random_excursions_applicability": excursion_applicability(config.sequence_bits),
        "sequences_needed_per_source": sequences_needed(config),
        "inconclusive_rate_of_a_correct_source": config.battery_inconclusive_rate,
        "excursions_need_uniformity": config.battery_excursions_need_uniformity,
        "text": (f"F-07 fails when Holm's procedure at alpha = {config.alpha:g} rejects any "
                 "column's proportion or uniformity p-value; it passes when none is rejected "
                 "and every column had its uniformity check; otherwise it is inconclusive."),
    }


def _columns(result: Any) -> list[tuple[str, str, np.ndarray]]:
    """(test, column label, P-values with NaN where the test did not apply) for every column,
    from a BatteryReport or from its ``to_dict()`` form."""
    out: list[tuple[str, str, np.ndarray]] = []
    if isinstance(result, Mapping):
        for name in TEST_NAMES:
            labels = tuple(result["columns"][name])
            flat = np.array(result["tests"][name], dtype=np.float64)
            matrix = flat.reshape(-1, len(labels))
            out.extend((name, label, matrix[:, j]) for j, label in enumerate(labels))
        return out
    for t, name in enumerate(TEST_NAMES):
        labels = column_labels(name)
        matrix = np.array([row[t].p_values for row in result.results], dtype=np.float64)
        matrix = matrix.reshape(len(result.results), len(labels))
        out.extend((name, label, matrix[:, j]) for j, label in enumerate(labels))
    return out


def _column_test(name: str, null: str, statistic: float, df: float | None, p_value: float,
                 effect: float, effect_label: str, source: str, m: int) -> StatTest:
    return StatTest(requirement="F-07", name=name, null_hypothesis=null, statistic=statistic,
                    df=df, p_value=p_value, adjusted_p_value=None, effect_size=effect,
                    effect_label=effect_label, mde=None, power=None, n_applicants=0, n_draws=m,
                    source=source)


def _column_tests(source: str, name: str, label: str, values: np.ndarray,
                  sparse_ok: bool) -> tuple[list[StatTest], str | None]:
    """The proportion and (with enough sequences) uniformity p-values of one column; the second
    value says why the column could not be fully checked."""
    applicable = values[~np.isnan(values)]
    m = len(applicable)
    if m == 0:
        return [], f"{source}: {name} applied to no sequence"
    failures = int(np.count_nonzero(applicable < FIRST_LEVEL_ALPHA))
    prefix = f"{source}:{name}:{label}"
    tests = [_column_test(
        f"{prefix}:proportion", "the column's P-values are uniform on (0, 1), so the number of "
        f"sequences with P < {FIRST_LEVEL_ALPHA} is Binomial(m, {FIRST_LEVEL_ALPHA})",
        float(failures), None,
        float(special.bdtrc(failures - 1, m, FIRST_LEVEL_ALPHA)) if failures else 1.0,
        failures / m, f"share of sequences with P < {FIRST_LEVEL_ALPHA}",
        "SP 800-22 4.2.1 with the exact binomial tail", m)]
    if m < MIN_SEQUENCES_FOR_UNIFORMITY:
        if sparse_ok and name in _EXCURSIONS and len(values) >= MIN_SEQUENCES_FOR_UNIFORMITY:
            return tests, None  # judged by its proportion check alone, as configured
        return tests, (f"{prefix} applied to {m} < {MIN_SEQUENCES_FOR_UNIFORMITY} sequences "
                       "(no uniformity check)")
    bins = np.bincount(np.minimum((applicable * 10).astype(np.int64), 9), minlength=10)
    chi2 = float(np.sum((bins - m / 10) ** 2 / (m / 10)))
    tests.append(_column_test(
        f"{prefix}:uniformity", "the column's P-values are uniform on (0, 1)", chi2, 9.0,
        float(special.chdtrc(9, chi2)), float(np.sqrt(chi2 / m)),
        "Cohen's w of the 10-bin P-value histogram", "SP 800-22 4.2.2 statistic", m))
    return tests, None


def assess_batteries(results: Mapping[str, Any], config: FairnessConfig) -> RequirementAnalysis:
    """F-07 over several sources (e.g. "server-seeds" and "stream") as one Holm family."""
    tests: list[StatTest] = []
    gaps: list[str] = []
    plots: dict[str, Any] = {}
    for source, result in results.items():
        columns = _columns(result)
        pooled = [v[~np.isnan(v)] for _, _, v in columns]
        plots[f"{source}_p_value_qq"] = quantiles_qq(
            np.concatenate(pooled) if pooled else np.zeros(0))
        for name, label, values in columns:
            found, gap = _column_tests(source, name, label, values,
                                       not config.battery_excursions_need_uniformity)
            tests.extend(found)
            if gap:
                gaps.append(gap)
    adjusted = holm_adjust(np.array([t.p_value for t in tests]))
    final = tuple(
        replace(t, adjusted_p_value=float(a), rejected=bool(a <= config.alpha))
        for t, a in zip(tests, adjusted, strict=True))
    rejected = [t.name for t in final if t.rejected]
    decision = {**battery_rule(config), "family_size": len(final), "rejected": rejected,
                "gaps": gaps, "sources": list(results)}
    if rejected:
        verdict, reason = Verdict.FAIL, (f"rejected at family-wise alpha = {config.alpha:g}: "
                                         + ", ".join(rejected[:10]))
    elif not results or gaps:
        verdict = Verdict.INCONCLUSIVE
        reason = ("no source was assessed" if not results else
                  f"{len(gaps)} column(s) could not be fully checked, e.g. {gaps[0]}; pull at "
                  f"least {sequences_needed(config)} sequences per source")
    else:
        verdict, reason = Verdict.PASS, (f"no column rejected at family-wise alpha = "
                                         f"{config.alpha:g} ({len(final)} p-values)")
    message_id = {Verdict.FAIL: "fairness.battery.fail", Verdict.PASS: "fairness.battery.pass",
                  Verdict.INCONCLUSIVE: "fairness.battery.inconclusive"}[verdict]
    return RequirementAnalysis("F-07", verdict, final, reason, jsonable(plots), jsonable(decision),
                               message_id,
                               {"alpha": config.alpha, "rejected": rejected, "gaps": len(gaps),
                                "sources": len(results), "p_values": len(final),
                                "needed": sequences_needed(config)})


def assess_battery(result: Any, config: FairnessConfig) -> RequirementAnalysis:
    """F-07 from one battery run (what ``run_battery`` returns, or its ``to_dict()``)."""
    return assess_batteries({"source": result}, config)
