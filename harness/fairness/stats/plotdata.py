"""Data for the report's fairness plots, as plain lists (the report draws them from evidence)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

__all__ = ["count_histogram", "quantiles_qq", "rate_band"]


def count_histogram(counts: np.ndarray, m: int, p: float) -> dict[str, Any]:
    """How many applicants were selected c times, against N * Binomial(M, p) pmf(c)."""
    n = len(counts)
    if n == 0 or m == 0:
        return {"count": [], "observed": [], "expected": []}
    low = int(min(counts.min(), stats.binom.ppf(1e-6, m, p)))
    high = int(max(counts.max(), stats.binom.isf(1e-6, m, p)))
    values = np.arange(max(low, 0), min(high, m) + 1)
    observed = np.bincount(counts - values[0], minlength=len(values))[: len(values)]
    return {"count": values.tolist(), "observed": observed.tolist(),
            "expected": (n * stats.binom.pmf(values, m, p)).tolist()}


def rate_band(totals: np.ndarray, sizes: np.ndarray, m: int, k: int, n: int,
              level: float) -> dict[str, Any]:
    """Selection rate per group (selections / (M * group size)) with the central ``level`` band
    that a correct draw keeps each group in (normal approximation, hypergeometric variance)."""
    sizes = np.asarray(sizes, dtype=np.float64)
    p = k / n if n else 0.0
    c = (n - k) / (n - 1) if n > 1 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(sizes > 0, totals / (m * sizes), np.nan)
        spread = np.sqrt(p * c * (1 - sizes / n) / (m * sizes))
    z = float(stats.norm.isf((1 - level) / 2))
    return {"rate": rate.tolist(), "expected": p, "lower": (p - z * spread).tolist(),
            "upper": (p + z * spread).tolist(), "level": level, "sizes": sizes.tolist()}


def quantiles_qq(p_values: np.ndarray, points: int = 101) -> dict[str, Any]:
    """Observed p-value quantiles against the uniform ones, at most ``points`` of them."""
    values = np.sort(np.asarray(p_values, dtype=np.float64))
    if values.size == 0:
        return {"expected": [], "observed": []}
    probs = np.linspace(0.0, 1.0, min(points, values.size))
    expected = (np.arange(values.size) + 0.5) / values.size
    return {"expected": np.quantile(expected, probs).tolist(),
            "observed": np.quantile(values, probs).tolist()}
