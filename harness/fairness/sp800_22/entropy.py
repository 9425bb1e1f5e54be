"""Approximate entropy and serial tests: SP 800-22 sections 2.12 and 2.11.

Null hypothesis for both: the bits are independent fair coin flips, so all 2^m overlapping m-bit
patterns (counted circularly, the sequence wrapping around) are equally frequent.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.bits import window_values
from harness.fairness.sp800_22.result import TestResult, igamc

__all__ = ["approximate_entropy", "pattern_counts", "serial"]


def pattern_counts(bits: np.ndarray, m: int) -> np.ndarray:
    """How often each m-bit word occurs among the n circular windows (index = the word's value)."""
    if m == 0:
        return np.array([len(bits)], dtype=np.int64)
    return np.bincount(window_values(bits, m, circular=True), minlength=1 << m).astype(np.int64)


def _shorter(counts: np.ndarray, m: int, shorter: int) -> np.ndarray:
    """Counts of the first ``shorter`` bits of each circular window, from the m-bit counts."""
    return counts.reshape(1 << shorter, 1 << (m - shorter)).sum(axis=1)


def _phi(counts: np.ndarray, n: int) -> float:
    seen = counts[counts > 0].astype(np.float64)
    return float(np.sum(seen * np.log(seen / n)) / n)


def approximate_entropy(bits: np.ndarray, m: int = 10, counts: np.ndarray | None = None,
                        counts_m: int | None = None) -> TestResult:
    """Section 2.12: ApEn(m) = phi(m) - phi(m+1), chi^2 = 2n(ln 2 - ApEn),
    P = igamc(2^(m-1), chi^2/2).

    ``counts`` may carry precomputed circular counts for a word length ``counts_m`` >= m + 1.
    """
    n = len(bits)
    if counts is None or counts_m is None:
        counts, counts_m = pattern_counts(bits, m + 1), m + 1
    phi_m1 = _phi(_shorter(counts, counts_m, m + 1), n)
    phi_m = _phi(_shorter(counts, counts_m, m), n) if m > 0 else 0.0
    apen = phi_m - phi_m1
    chi2 = 2.0 * n * (math.log(2) - apen)
    p = float(igamc(2.0 ** (m - 1), chi2 / 2.0))
    return TestResult("ApproximateEntropy", (p,), {"phi_m": phi_m, "phi_m1": phi_m1,
                                                   "ApEn": apen, "chi2": chi2})


def _psi2(counts: np.ndarray, m: int, n: int) -> float:
    if m <= 0:
        return 0.0
    square_sum = int(np.sum(counts * counts))
    return float(square_sum) * 2.0**m / n - n


def serial(bits: np.ndarray, m: int = 16, counts: np.ndarray | None = None) -> TestResult:
    """Section 2.11: psi^2_m = 2^m/n sum counts^2 - n over circular m-bit patterns; two P-values,
    igamc(2^(m-2), del psi^2_m / 2) and igamc(2^(m-3), del^2 psi^2_m / 2).

    ``counts`` may carry the precomputed circular m-bit counts.
    """
    n = len(bits)
    if counts is None:
        counts = pattern_counts(bits, m)
    psi = [_psi2(_shorter(counts, m, m - k), m - k, n) if m - k > 0 else 0.0 for k in range(3)]
    del1 = psi[0] - psi[1]
    del2 = psi[0] - 2.0 * psi[1] + psi[2]
    p1 = float(igamc(2.0 ** (m - 1) / 2, del1 / 2.0))
    p2 = float(igamc(2.0 ** (m - 2) / 2, del2 / 2.0))
    return TestResult("Serial", (p1, p2), {"psi2_m": psi[0], "psi2_m1": psi[1], "psi2_m2": psi[2],
                                           "del1": del1, "del2": del2})
