"""Vectorised counting over draws: per-applicant counts, per-draw group counts, bins, merging.

Every count is one ``np.bincount`` over flattened index arrays; nothing loops per applicant or
per draw in Python.
"""

from __future__ import annotations

import numpy as np

__all__ = ["equal_size_bins", "equal_width_bins", "merge_small", "per_draw_group_counts",
           "selection_counts"]


def selection_counts(indices: np.ndarray, n: int) -> np.ndarray:
    """How many times each of the n applicants appears in ``indices`` (any shape)."""
    return np.bincount(np.asarray(indices, dtype=np.int64).ravel(), minlength=n)


def per_draw_group_counts(indices: np.ndarray, labels: np.ndarray, groups: int) -> np.ndarray:
    """(M, G): how many of draw t's applicants fall in group g, for labels in 0..G-1."""
    m = indices.shape[0]
    cells = labels[indices] + groups * np.arange(m, dtype=np.int64)[:, None]
    return np.bincount(cells.ravel(), minlength=m * groups).reshape(m, groups)


def equal_size_bins(ranks: np.ndarray, bins: int) -> np.ndarray:
    """Labels 0..bins-1 for ranks 0..N-1 (a position or a registration order): equal-size
    groups of consecutive ranks (sizes differ by at most one)."""
    n = len(ranks)
    return (np.asarray(ranks, dtype=np.int64) * min(bins, max(n, 1))) // max(n, 1)


def equal_width_bins(values: np.ndarray, bins: int) -> np.ndarray:
    """Labels 0..bins-1 of equal-width buckets over [min, max] (the last bucket is closed)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros(values.size, dtype=np.int64)
    scaled = np.floor((values - low) / (high - low) * bins).astype(np.int64)
    return np.minimum(scaled, bins - 1)


def merge_small(expected: np.ndarray, minimum: float, ordered: bool = True) -> np.ndarray:
    """A relabelling old group -> new group such that each new group's expected count is at
    least ``minimum`` (when the total allows). Ordered groups merge with their neighbours;
    unordered ones (regions) merge smallest first. Empty groups join a neighbour."""
    expected = np.asarray(expected, dtype=np.float64)
    walk = np.arange(len(expected)) if ordered else np.argsort(expected, kind="stable")
    new_label = np.empty(len(expected), dtype=np.int64)
    current, total = 0, 0.0
    for group in walk:  # one step per group (at most a few dozen), not per applicant
        new_label[group] = current
        total += expected[group]
        if total >= minimum:
            current, total = current + 1, 0.0
    if total < minimum and current > 0:  # a short tail joins the group before it
        new_label[new_label == current] = current - 1
    _, dense = np.unique(new_label, return_inverse=True)
    return dense.reshape(-1).astype(np.int64)
