"""Exact percentiles, their bootstrap confidence intervals, and binomial intervals for ratios.

Percentiles are read from the raw latencies (order statistics), never from a histogram's buckets.
Their interval is the percentile bootstrap (Efron and Tibshirani, *An Introduction to the
Bootstrap*, ch. 13): resample the latencies with replacement, take the percentile of each
resample, and read the interval off the resamples' quantiles. It assumes the requests are
exchangeable draws from one latency distribution; a rush with a trend over time breaks that, which
is why the timeline is kept beside it. Error ratios get the exact Clopper-Pearson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from harness.verdict import Verdict

__all__ = ["Interval", "clopper_pearson", "judge", "percentile", "percentile_interval"]

# Resamples are taken in blocks, so memory stays bounded however many samples there are.
_BLOCK_VALUES = 4_000_000


@dataclass(frozen=True)
class Interval:
    """A point estimate and its two-sided confidence interval at ``confidence``."""

    estimate: float
    low: float
    high: float
    confidence: float
    samples: int


def percentile(values: np.ndarray, q: float) -> float:
    """The q-th percentile as an order statistic (the inverted empirical CDF: no interpolation,
    so the value is one that was observed)."""
    return float(np.percentile(values, q, method="inverted_cdf"))


def percentile_interval(
    values: np.ndarray, q: float, confidence: float, resamples: int, rng: np.random.Generator
) -> Interval:
    """The q-th percentile of ``values`` with its percentile-bootstrap interval."""
    data = np.asarray(values, dtype=np.float64)
    n = len(data)
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"), confidence, 0)
    estimates = np.empty(resamples)
    block = max(1, _BLOCK_VALUES // n)
    for start in range(0, resamples, block):
        count = min(block, resamples - start)
        picks = data[rng.integers(0, n, size=(count, n))]
        estimates[start:start + count] = np.percentile(picks, q, axis=1, method="inverted_cdf")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(estimates, [tail, 100 - tail])
    return Interval(percentile(data, q), float(low), float(high), confidence, n)


def clopper_pearson(errors: int, total: int, confidence: float) -> Interval:
    """The exact binomial interval of ``errors / total`` (Clopper and Pearson, 1934)."""
    if total == 0:
        return Interval(float("nan"), float("nan"), float("nan"), confidence, 0)
    tail = (1 - confidence) / 2
    low = 0.0 if errors == 0 else float(stats.beta.ppf(tail, errors, total - errors + 1))
    high = 1.0 if errors == total else float(stats.beta.ppf(1 - tail, errors + 1, total - errors))
    return Interval(errors / total, low, high, confidence, total)


def judge(interval: Interval, bound: float, min_samples: int) -> Verdict:
    """PASS when the interval lies under ``bound``, FAIL when it lies over it, else INCONCLUSIVE.

    With a two-sided interval at confidence c, a system exactly at the bound is called FAIL (or
    PASS) with probability at most (1 - c) / 2 each.
    """
    if interval.samples < min_samples or not np.isfinite(interval.high):
        return Verdict.INCONCLUSIVE
    if interval.high < bound:
        return Verdict.PASS
    if interval.low > bound:
        return Verdict.FAIL
    return Verdict.INCONCLUSIVE
