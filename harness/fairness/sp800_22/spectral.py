"""Discrete Fourier transform (spectral) test: SP 800-22 section 2.6.

Null hypothesis: the bits are independent fair coin flips, so about 95 % of the DFT moduli of the
+-1 sequence lie below T = sqrt(ln(1/0.05) n); periodic features push peaks above it.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.result import TestResult, erfc

__all__ = ["spectral"]

# sts writes ln(1/0.05) = 2.995732274 to ten digits; using the same constant keeps the threshold
# bit-for-bit equal to the reference.
_LOG_1_OVER_005 = 2.995732274


def spectral(bits: np.ndarray) -> TestResult:
    """Section 2.6: N_1 = number of moduli |F_j| < T for j = 0 .. n/2 - 1 (the zero frequency
    included, as sts does), d = (N_1 - 0.95 n/2) / sqrt(n 0.95 0.05 / 4), P = erfc(|d|/sqrt 2).
    """
    n = len(bits)
    if n < 2:
        return TestResult.not_applicable("FFT", 1, f"n = {n} < 2: no spectrum")
    x = bits.astype(np.float64) * 2.0 - 1.0
    spectrum = np.fft.rfft(x)[: n // 2]
    moduli = np.sqrt(spectrum.real**2 + spectrum.imag**2)  # as sts: sqrt(re^2 + im^2)
    threshold = math.sqrt(_LOG_1_OVER_005 * n)
    n1 = int(np.count_nonzero(moduli < threshold))
    n0 = 0.95 * n / 2.0
    d = (n1 - n0) / math.sqrt(n / 4.0 * 0.95 * 0.05)
    p = float(erfc(abs(d) / math.sqrt(2.0)))
    return TestResult("FFT", (p,), {"T": threshold, "N_1": n1, "N_0": n0, "d": d})
