"""Frequency (monobit), frequency within a block and cumulative sums: SP 800-22 sections 2.1, 2.2
and 2.13.

Null hypothesis for all three: the bits are independent and each is 1 with probability 1/2.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.result import TestResult, erfc, igamc, normal_cdf

__all__ = ["block_frequency", "cumulative_sums", "frequency", "partial_sum_extremes"]


def frequency(bits: np.ndarray) -> TestResult:
    """Section 2.1: is the number of ones close to n/2? P = erfc(|S_n| / sqrt(2n))."""
    n = len(bits)
    s_n = 2 * int(np.count_nonzero(bits)) - n
    s_obs = abs(s_n) / math.sqrt(n)
    p = float(erfc(s_obs / math.sqrt(2)))
    return TestResult("Frequency", (p,), {"n": n, "S_n": s_n, "s_obs": s_obs})


def block_frequency(bits: np.ndarray, block: int = 128) -> TestResult:
    """Section 2.2: is the proportion of ones near 1/2 in each of the N = n/M blocks of M bits?

    chi^2 = 4M sum (pi_i - 1/2)^2 has N degrees of freedom; P = igamc(N/2, chi^2/2).
    """
    blocks = len(bits) // block
    if blocks == 0:
        return TestResult.not_applicable(
            "BlockFrequency", 1, f"n = {len(bits)} is shorter than one block of M = {block} bits"
        )
    ones = bits[: blocks * block].reshape(blocks, block).sum(axis=1, dtype=np.int64)
    pi = ones / block
    chi2 = float(4.0 * block * np.sum((pi - 0.5) ** 2))
    p = float(igamc(blocks / 2.0, chi2 / 2.0))
    return TestResult("BlockFrequency", (p,), {"N": blocks, "M": block, "chi2": chi2})


def partial_sum_extremes(bits: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The random walk S_k (k = 1..n) with its maximum and minimum, both counting S_0 = 0."""
    walk = np.cumsum(bits.astype(np.int32) * 2 - 1, dtype=np.int32)
    return walk, max(int(walk.max()), 0), min(int(walk.min()), 0)


def cumulative_sums(bits: np.ndarray, walk: np.ndarray | None = None) -> TestResult:
    """Section 2.13: is the random walk's largest excursion z from zero too large or too small?

    Two P-values: forward (z = max |S_k|) then backward (the walk read from the end), each from
    the distribution of the maximum of a symmetric random walk. The summation limits use C integer
    division (truncation toward zero) as sts does; the publication writes floor().
    """
    n = len(bits)
    if walk is None:
        walk, top, bottom = partial_sum_extremes(bits)
    else:
        top, bottom = max(int(walk.max()), 0), min(int(walk.min()), 0)
    final = int(walk[-1])
    z_forward = max(top, -bottom)
    z_backward = max(top - final, final - bottom)
    p = (_cusum_p(n, z_forward), _cusum_p(n, z_backward))
    return TestResult("CumulativeSums", p, {"z_forward": z_forward, "z_backward": z_backward})


def _trunc_div(a: int, b: int) -> int:
    """C's integer division, which truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _cusum_p(n: int, z: int) -> float:
    root = math.sqrt(n)
    k1 = np.arange(_trunc_div(_trunc_div(-n, z) + 1, 4), _trunc_div(_trunc_div(n, z) - 1, 4) + 1)
    k2 = np.arange(_trunc_div(_trunc_div(-n, z) - 3, 4), _trunc_div(_trunc_div(n, z) - 1, 4) + 1)
    sum1 = np.sum(normal_cdf((4 * k1 + 1) * z / root) - normal_cdf((4 * k1 - 1) * z / root))
    sum2 = np.sum(normal_cdf((4 * k2 + 3) * z / root) - normal_cdf((4 * k2 + 1) * z / root))
    return float(1.0 - sum1 + sum2)
