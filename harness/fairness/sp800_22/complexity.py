"""Linear complexity test: SP 800-22 section 2.10, with Berlekamp-Massey run on all blocks at once.

Null hypothesis: the bits are independent fair coin flips, so the length of the shortest LFSR that
generates each M-bit block is distributed as for random blocks (T_i classes of section 2.10.4).
"""

from __future__ import annotations

import numpy as np

from harness.fairness.sp800_22.result import TestResult, igamc

__all__ = ["linear_complexities", "linear_complexity"]

# sts-2.1.2's class probabilities (section 3.10 rounds them the same way).
_PI = (0.01047, 0.03125, 0.12500, 0.50000, 0.25000, 0.06250, 0.020833)
_EDGES = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)


def linear_complexity(bits: np.ndarray, block: int = 500) -> TestResult:
    """Section 2.10: chi^2 of the T_i = (-1)^M (L_i - mu) + 2/9 classes, 6 degrees of freedom."""
    n = len(bits)
    count = n // block
    if count == 0:
        return TestResult.not_applicable(
            "LinearComplexity", 1, f"n = {n} is shorter than one block of M = {block} bits"
        )
    lengths = linear_complexities(bits[: count * block].reshape(count, block))
    sign = -1.0 if (block + 1) % 2 == 0 else 1.0
    mean = block / 2.0 + (9.0 + sign) / 36.0 - 1.0 / 2.0**block * (block / 3.0 + 2.0 / 9.0)
    sign = 1.0 if block % 2 == 0 else -1.0
    t = sign * (lengths - mean) + 2.0 / 9.0
    # Class i holds edges[i-1] < T <= edges[i], as sts compares.
    nu = np.bincount(np.searchsorted(np.asarray(_EDGES), t, side="left"), minlength=7)
    expected = count * np.asarray(_PI)
    chi2 = float(np.sum((nu - expected) ** 2 / expected))
    p = float(igamc(3.0, chi2 / 2.0))
    return TestResult(
        "LinearComplexity", (p,), {"M": block, "N": count, "nu": nu.tolist(), "chi2": chi2}
    )


def linear_complexities(blocks: np.ndarray) -> np.ndarray:
    """Linear complexity of every row of ``blocks`` (count, M) by Berlekamp-Massey over GF(2).

    Polynomials live in 64-bit words, one row per block; each of the M steps is a handful of
    array operations over all blocks. The discrepancy needs the window s_t, s_(t-1), ...: word k of
    it is the 64-bit backward window ending at t - 64k, precomputed for every position.
    """
    count, size = blocks.shape
    words = (size + 1 + 63) // 64
    offset = 64 * (words - 1)
    # Word-major layout: each word of every block's polynomial is one contiguous row.
    backward = np.zeros((offset + size, count), dtype=np.uint64)
    backward[offset:] = _backward_windows(blocks).T
    c = np.zeros((words, count), dtype=np.uint64)
    c[0] = 1
    b_shifted = np.zeros_like(c)
    b_shifted[0] = 2  # x * B(x) with B = 1, as at the first step m = -1
    length = np.zeros(count, dtype=np.int64)
    scratch = np.empty_like(c)
    for t in range(size):
        active = min((t + 1) // 64 + 1, words)  # degrees never exceed t + 1
        window = backward[t + 64 * (words - active) : t + 64 * words : 64][::-1]
        c_now, b_now, work = c[:active], b_shifted[:active], scratch[:active]
        np.bitwise_and(c_now, window, out=work)
        parity = np.bitwise_count(np.bitwise_xor.reduce(work, axis=0)) & 1
        grow = parity.astype(bool) & (2 * length <= t)
        before = c_now.copy()
        np.bitwise_and(b_now, np.uint64(0) - parity.astype(np.uint64), out=work)
        c_now ^= work  # C += x^(t-m) B where the discrepancy is 1
        length = np.where(grow, t + 1 - length, length)
        np.copyto(b_now, before, where=grow)  # B = the old C where the length grows
        top = min(active + 1, words)
        carry = b_shifted[: top - 1] >> np.uint64(63)
        b_shifted[:top] <<= np.uint64(1)
        b_shifted[1:top] |= carry
    return length


def _backward_windows(blocks: np.ndarray) -> np.ndarray:
    """For each position p of each row: the 64-bit word with bit i = s_(p-i) (0 before start)."""
    count, size = blocks.shape
    # Reversed rows turn backward windows into forward little-endian windows at offset size-1-p.
    groups = (size + 7) // 8
    padded = np.zeros((count, (groups + 9) * 8), dtype=np.uint8)
    padded[:, :size] = blocks[:, ::-1]
    packed = np.packbits(padded, axis=1, bitorder="little").astype(np.uint64)
    low = np.zeros((count, groups), dtype=np.uint64)
    for byte in range(8):
        low |= packed[:, byte : byte + groups] << np.uint64(8 * byte)
    high = packed[:, 8 : 8 + groups]
    forward = np.empty((count, groups, 8), dtype=np.uint64)
    forward[:, :, 0] = low
    for shift in range(1, 8):
        forward[:, :, shift] = (low >> np.uint64(shift)) | (high << np.uint64(64 - shift))
    return forward.reshape(count, groups * 8)[:, :size][:, ::-1]
