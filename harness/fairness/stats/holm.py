"""Holm's step-down procedure (Holm 1979): family-wise error control under any dependence."""

from __future__ import annotations

import numpy as np

__all__ = ["holm_adjust"]


def holm_adjust(p_values: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values: test i is rejected at family-wise level alpha exactly when its
    adjusted p-value is <= alpha. Sorted p_(1) <= ... <= p_(T) get
    max over j <= i of min(1, (T - j + 1) p_(j))."""
    p = np.asarray(p_values, dtype=np.float64)
    count = len(p)
    if count == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (count - np.arange(count)) * p[order])
    adjusted = np.empty(count)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted
