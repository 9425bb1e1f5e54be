"""Second-level assessment over many sequences: SP 800-22 section 4.2.

For each P-value column (one per test, or per template / state / variant), two checks:

* proportion (4.2.1): the share of sequences with P >= alpha = 0.01 must lie in
  p_hat +- 3 sqrt(p_hat (1 - p_hat) / m), p_hat = 1 - alpha. As sts does, the bounds are taken on
  the pass count and truncated to whole numbers, int((p_hat -+ 3 sigma) m): the publication's
  exact interval would fail one sequence in 188 columns 85 % of the time at m = 1. The per-column
  false-alarm rate is the binomial tail beyond those counts, e.g. 1.1e-4 at m = 10, 3.4e-3 at
  m = 100 (docs/sp800-22.md has the table and the family-wise figures).
* uniformity (4.2.2): chi^2 of the P-values over 10 equal bins, P-value_T = igamc(9/2, chi^2/2),
  failing below 0.0001 (the false-alarm rate per column). Computed only with at least 55
  sequences, the publication's minimum; with fewer, the column is INCONCLUSIVE, never passed.

Null P-values (the test did not apply to that sequence) are left out: for random excursions the
sample size is the number of sequences where the test applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harness.fairness.sp800_22.result import igamc
from harness.verdict import Verdict

__all__ = [
    "ALPHA",
    "MIN_SEQUENCES_FOR_UNIFORMITY",
    "UNIFORMITY_ALPHA",
    "ColumnAssessment",
    "TestAssessment",
    "assess_column",
    "assess_test",
    "combine",
]

ALPHA = 0.01
UNIFORMITY_ALPHA = 0.0001
MIN_SEQUENCES_FOR_UNIFORMITY = 55


@dataclass(frozen=True)
class ColumnAssessment:
    """Proportion and uniformity of one P-value column across the sequences where it applies."""

    label: str
    sample_size: int
    passed: int
    proportion: float | None
    interval: tuple[float, float] | None
    pass_bounds: tuple[int, int] | None
    proportion_ok: bool | None
    histogram: tuple[int, ...]
    chi2: float | None
    uniformity_p: float | None
    uniformity_ok: bool | None
    verdict: Verdict
    note: str | None = None


@dataclass(frozen=True)
class TestAssessment:
    """The columns of one test and the test's verdict (the worst of its columns)."""

    name: str
    columns: tuple[ColumnAssessment, ...]
    verdict: Verdict

    __test__ = False


def assess_column(label: str, p_values: Sequence[float | None], alpha: float = ALPHA,
                  uniformity_alpha: float = UNIFORMITY_ALPHA,
                  min_sequences: int = MIN_SEQUENCES_FOR_UNIFORMITY) -> ColumnAssessment:
    """Section 4.2.1 and 4.2.2 on one column; None entries (not applicable) are left out."""
    values = np.asarray([p for p in p_values if p is not None], dtype=np.float64)
    m = len(values)
    if m == 0:
        return ColumnAssessment(label, 0, 0, None, None, None, None, (0,) * 10, None, None, None,
                                Verdict.NOT_APPLICABLE, "the test applied to no sequence")
    passed = int(np.count_nonzero(values >= alpha))
    p_hat = 1.0 - alpha
    half_width = 3.0 * math.sqrt(p_hat * alpha / m)
    interval = (p_hat - half_width, p_hat + half_width)
    bounds = (int(interval[0] * m), int(interval[1] * m))  # C's truncation, as sts
    proportion = passed / m
    proportion_ok = bounds[0] <= passed <= bounds[1]
    bins = np.minimum(np.floor(values * 10).astype(np.int64), 9)
    histogram = tuple(int(v) for v in np.bincount(bins, minlength=10))
    chi2 = uniformity_p = uniformity_ok = note = None
    if m >= min_sequences:
        expected = m / 10.0
        chi2 = float(sum((f - expected) ** 2 / expected for f in histogram))
        uniformity_p = float(igamc(9.0 / 2.0, chi2 / 2.0))
        uniformity_ok = uniformity_p >= uniformity_alpha
    else:
        note = f"uniformity needs at least {min_sequences} sequences, got {m}"
    if not proportion_ok or uniformity_ok is False:
        verdict = Verdict.FAIL
    elif uniformity_ok is None:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.PASS
    return ColumnAssessment(label, m, passed, proportion, interval, bounds, proportion_ok,
                            histogram, chi2, uniformity_p, uniformity_ok, verdict, note)


def combine(verdicts: Sequence[Verdict]) -> Verdict:
    """FAIL if any fails; PASS if all pass; NOT_APPLICABLE if none applied; else INCONCLUSIVE."""
    if Verdict.FAIL in verdicts:
        return Verdict.FAIL
    if verdicts and all(v is Verdict.PASS for v in verdicts):
        return Verdict.PASS
    if verdicts and all(v is Verdict.NOT_APPLICABLE for v in verdicts):
        return Verdict.NOT_APPLICABLE
    return Verdict.INCONCLUSIVE


def assess_test(name: str, labels: Sequence[str],
                rows: Sequence[Sequence[float | None]]) -> TestAssessment:
    """Assess every column of one test; ``rows`` holds one row of P-values per sequence."""
    columns = tuple(
        assess_column(label, [row[i] for row in rows]) for i, label in enumerate(labels)
    )
    return TestAssessment(name, columns, combine([c.verdict for c in columns]))
