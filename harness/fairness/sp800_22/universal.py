"""Maurer's universal statistical test: SP 800-22 section 2.9.

Null hypothesis: the bits are independent fair coin flips, so the sequence cannot be compressed:
the mean log2 distance between repeats of L-bit words matches its expected value for random bits.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.bits import window_values
from harness.fairness.sp800_22.result import TestResult, erfc

__all__ = ["choose_block_length", "universal", "universal_statistic"]

# Section 2.9.4 table: expected value and variance of f_n for L = 1..16 (sts keeps L = 6..16;
# L = 1..5 are the publication's, for its small worked example).
_EXPECTED = (0.0, 0.7326495, 1.5374383, 2.4016068, 3.3112247, 4.2534266, 5.2177052, 6.1962507,
             7.1836656, 8.1764248, 9.1723243, 10.170032, 11.168765, 12.168070, 13.167693,
             14.167488, 15.167379)
_VARIANCE = (0.0, 0.690, 1.338, 1.901, 2.358, 2.705, 2.954, 3.125, 3.238, 3.311, 3.356, 3.384,
             3.401, 3.410, 3.416, 3.419, 3.421)
# sts's thresholds: L grows by one at each of these n (so that n >= 1010 * 2^L * L roughly).
_L_THRESHOLDS = (387840, 904960, 2068480, 4654080, 10342400, 22753280, 49643520, 107560960,
                 231669760, 496435200, 1059061760)


def choose_block_length(n: int) -> int:
    """L as sts chooses it from n: 5 below 387840 bits (then the test does not apply), up to 16."""
    return 5 + sum(1 for threshold in _L_THRESHOLDS if n >= threshold)


def universal_statistic(bits: np.ndarray, block: int, init: int) -> tuple[float, int]:
    """f_n: mean over the K test blocks of log2(distance to the previous same L-bit word), with
    distance i (the block's 1-based index) when the word has not occurred. Returns (f_n, K)."""
    total = (len(bits) // block) - init
    words = window_values(bits[: (init + total) * block], block, circular=False)[::block]
    # L <= 16, so 16-bit words; numpy's stable sort of them is a radix sort.
    order = np.argsort(words.astype(np.uint16), kind="stable")
    previous = np.full(len(words), -1, dtype=np.int64)
    same = words[order[1:]] == words[order[:-1]]
    previous[order[1:][same]] = order[:-1][same]
    positions = np.arange(init, init + total)
    distance = np.where(previous[positions] >= 0, positions - previous[positions], positions + 1)
    return float(np.sum(np.log(distance) / math.log(2)) / total), total


def universal(bits: np.ndarray, block: int | None = None, init: int | None = None) -> TestResult:
    """Section 2.9: P = erfc(|f_n - E[L]| / (sqrt 2 sigma)), sigma = c sqrt(Var[L] / K).

    By default L and Q = 10 * 2^L follow n as in sts, which refuses L < 6 (n < 387840): the test
    then does not apply. Explicit ``block`` and ``init`` serve the publication's small examples.
    """
    n = len(bits)
    if block is None:
        block = choose_block_length(n)
        if block < 6:
            return TestResult.not_applicable(
                "Universal", 1, f"n = {n} < 387840: L would be < 6, which sts refuses (2.9.7)"
            )
    init = 10 * 2**block if init is None else init
    if n // block - init <= 0:
        return TestResult.not_applicable("Universal", 1, f"n = {n} leaves no test blocks")
    fn, total = universal_statistic(bits, block, init)
    c = 0.7 - 0.8 / block + (4 + 32 / block) * total ** (-3 / block) / 15
    sigma = c * math.sqrt(_VARIANCE[block] / total)
    arg = abs(fn - _EXPECTED[block]) / (math.sqrt(2) * sigma)
    p = float(erfc(arg))
    return TestResult(
        "Universal", (p,), {"L": block, "Q": init, "K": total, "f_n": fn, "sigma": sigma,
                            "expected": _EXPECTED[block], "variance": _VARIANCE[block]}
    )
