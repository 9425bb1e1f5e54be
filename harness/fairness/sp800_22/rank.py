"""Binary matrix rank: SP 800-22 section 2.5.

Null hypothesis: the bits are independent fair coin flips, so the ranks over GF(2) of disjoint
32 x 32 matrices follow the distribution of random matrices (full rank with probability ~0.2888).
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.result import TestResult

__all__ = ["gf2_ranks", "rank"]

_SIZE = 32


def _rank_probability(rank: int, rows: int = _SIZE, cols: int = _SIZE) -> float:
    """P(rank = r) for a random rows x cols matrix over GF(2), computed as sts computes it."""
    product = 1.0
    for i in range(rank):
        numerator = (1.0 - 2.0 ** (i - rows)) * (1.0 - 2.0 ** (i - cols))
        product *= numerator / (1.0 - 2.0 ** (i - rank))
    return 2.0 ** (rank * (rows + cols - rank) - rows * cols) * product


def rank(bits: np.ndarray) -> TestResult:
    """Section 2.5: chi^2 over the classes full rank, full rank - 1, lower (2 degrees of freedom).

    The reference takes P = exp(-chi^2/2), which is igamc(1, chi^2/2) exactly.
    """
    n = len(bits)
    count = n // (_SIZE * _SIZE)
    if count == 0:
        return TestResult.not_applicable("Rank", 1, f"n = {n} < 1024 bits: no 32x32 matrix")
    ranks = gf2_ranks(bits[: count * _SIZE * _SIZE].reshape(count, _SIZE, _SIZE))
    p_full, p_minus = _rank_probability(_SIZE), _rank_probability(_SIZE - 1)
    probabilities = (p_full, p_minus, 1.0 - (p_full + p_minus))
    observed = (
        int(np.count_nonzero(ranks == _SIZE)),
        int(np.count_nonzero(ranks == _SIZE - 1)),
        int(np.count_nonzero(ranks < _SIZE - 1)),
    )
    chi2 = sum(
        (f - count * q) ** 2 / (count * q) for f, q in zip(observed, probabilities, strict=True)
    )
    p = math.exp(-chi2 / 2.0)
    return TestResult("Rank", (p,), {"N": count, "F": observed, "chi2": chi2})


def gf2_ranks(matrices: np.ndarray) -> np.ndarray:
    """Ranks over GF(2) of a stack of 0/1 matrices (count, rows, cols <= 64), eliminated together.

    Rows are packed into integers; each column step picks, in every matrix at once, an unused row
    holding that bit and clears the bit from every other row.
    """
    count, rows, cols = matrices.shape
    weights = np.uint64(1) << np.arange(cols - 1, -1, -1, dtype=np.uint64)
    wide = np.zeros((count, rows, 64), dtype=np.uint8)
    wide[:, :, :cols] = matrices
    packed = np.packbits(wide, axis=2).view(">u8")[:, :, 0].astype(np.uint64)
    packed >>= np.uint64(64 - cols)
    used = np.zeros((count, rows), dtype=bool)
    ranks = np.zeros(count, dtype=np.int64)
    index = np.arange(count)
    for col in range(cols):
        bit = weights[col]
        has = (packed & bit) != 0
        candidates = has & ~used
        found = candidates.any(axis=1)
        pivot = candidates.argmax(axis=1)
        pivot_row = packed[index, pivot]
        clear = has & found[:, None]
        clear[index, pivot] = False
        packed ^= np.where(clear, pivot_row[:, None], np.uint64(0))
        used[index[found], pivot[found]] = True
        ranks += found
    return ranks
