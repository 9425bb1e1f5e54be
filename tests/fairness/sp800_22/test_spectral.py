"""Discrete Fourier transform test: SP 800-22 section 2.6.

The publication's own examples (N_1 = 4 for 2.6.4's 10 bits, N_1 = 46 for 2.6.8's 100 bits) do
not follow from its formula: the moduli give N_1 = 5 and 48 (threshold T = 5.47 and 17.31; no
modulus lies near T). The reference implementation gives 5 and 48 too, and this implementation
reproduces the reference's Appendix B values for 10^6 bits (test_appendix_b.py). docs/sp800-22.md
lists the difference.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.spectral import spectral


def _direct_count(bits: np.ndarray) -> int:
    n = len(bits)
    x = 2.0 * bits - 1.0
    k = np.arange(n)
    threshold = math.sqrt(2.995732274 * n)
    moduli = [abs(np.sum(x * np.exp(-2j * math.pi * j * k / n))) for j in range(n // 2)]
    return sum(1 for m in moduli if m < threshold)


@pytest.mark.parametrize("text", ["1001010011", "1" * 16 + "0" * 16, "110" * 33])
def test_n1_counts_moduli_below_t_from_frequency_0_to_n_over_2_minus_1(text) -> None:
    bits = from_string(text)
    assert spectral(bits).statistics["N_1"] == _direct_count(bits)


def test_examples_2_6_4_and_2_6_8_as_the_reference_computes_them(pi_100) -> None:
    short = spectral(from_string("1001010011"))
    assert short.statistics["N_1"] == 5 and short.statistics["N_0"] == 4.75
    assert spectral(pi_100).statistics["N_1"] == 48


def test_d_and_p_follow_the_reference_normalisation() -> None:
    result = spectral(from_string("1001010011"))
    d = (5 - 4.75) / math.sqrt(10 / 4 * 0.95 * 0.05)
    assert result.statistics["d"] == pytest.approx(d)
    assert result.p_value == pytest.approx(math.erfc(abs(d) / math.sqrt(2)))
