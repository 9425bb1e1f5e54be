"""Runs and longest run of ones in a block: SP 800-22 sections 2.3 and 2.4.

Null hypothesis: the bits are independent and each is 1 with probability 1/2.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.result import TestResult, erfc, igamc

__all__ = ["longest_run", "runs"]

# Section 2.4.4 / 3.4: block length M, the classes v_0..v_K of the longest run and their
# probabilities, exactly as sts-2.1.2 hard-codes them (the M = 10000 row has 4 decimals only).
_LONGEST_RUN_TABLES = (
    (8, (1, 2, 3, 4), (0.21484375, 0.3671875, 0.23046875, 0.1875)),
    (
        128,
        (4, 5, 6, 7, 8, 9),
        (0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847),
    ),
    (
        10000,
        (10, 11, 12, 13, 14, 15, 16),
        (0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727),
    ),
)


def runs(bits: np.ndarray) -> TestResult:
    """Section 2.3: is the number of runs V_n what n independent fair bits give?

    When the prerequisite frequency check fails (|pi - 1/2| > tau = 2/sqrt(n), strict as in sts;
    the publication writes >=) the test fails with P = 0, as sts does: the runs statistic is
    meaningless for such a biased sequence.
    """
    n = len(bits)
    pi = int(np.count_nonzero(bits)) / n
    if abs(pi - 0.5) > 2.0 / math.sqrt(n):
        return TestResult("Runs", (0.0,), {"pi": pi, "frequency_prerequisite": False})
    v_obs = 1 + int(np.count_nonzero(bits[1:] != bits[:-1]))
    arg = abs(v_obs - 2.0 * n * pi * (1 - pi)) / (2.0 * pi * (1 - pi) * math.sqrt(2.0 * n))
    p = float(erfc(arg))
    return TestResult("Runs", (p,), {"pi": pi, "V_n": v_obs, "frequency_prerequisite": True})


def longest_run(bits: np.ndarray) -> TestResult:
    """Section 2.4: is the longest run of ones within M-bit blocks as long as chance makes it?

    M follows n as in sts (8 below 6272 bits, 128 below 750000, else 10000); chi^2 over the K + 1
    classes has K degrees of freedom.
    """
    n = len(bits)
    if n < 128:
        return TestResult.not_applicable("LongestRun", 1, f"n = {n} < 128 (section 2.4.7)")
    block, classes, probabilities = _LONGEST_RUN_TABLES[0 if n < 6272 else 1 if n < 750000 else 2]
    blocks = n // block
    longest = _longest_runs(bits[: blocks * block].reshape(blocks, block))
    index = np.clip(longest, classes[0], classes[-1]) - classes[0]
    nu = np.bincount(index, minlength=len(classes))
    expected = blocks * np.asarray(probabilities)
    chi2 = float(np.sum((nu - expected) ** 2 / expected))
    p = float(igamc((len(classes) - 1) / 2.0, chi2 / 2.0))
    return TestResult(
        "LongestRun", (p,), {"M": block, "N": blocks, "nu": nu.tolist(), "chi2": chi2}
    )


def _longest_runs(rows: np.ndarray) -> np.ndarray:
    """Longest run of ones in each row: the widest gap between consecutive zeros (row-padded)."""
    count, width = rows.shape
    padded = np.zeros((count, width + 2), dtype=np.uint8)
    padded[:, 1:-1] = rows
    zeros = np.flatnonzero(padded.reshape(-1) == 0)
    gaps = np.diff(zeros) - 1
    # Each row starts with a padding zero at flat index row * (width + 2).
    starts = np.searchsorted(zeros, np.arange(count) * (width + 2))
    return np.maximum.reduceat(np.append(gaps, 0), starts)
