"""Shared data: SP 800-22's 100-bit example string and 10^6-bit binary expansions of constants.

The expansions are the content of sts's data/data.pi, data.e, data.sqrt2 and data.sqrt3 (the
integer part's bits first), derived here with mpmath and integer square roots instead of shipped.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from harness.fairness.sp800_22.bits import from_string

# The first 100 bits of pi's binary expansion, used by several of section 2's examples.
PI_100 = (
    "11001001000011111101101010100010001000010110100011"
    "00001000110100110001001100011001100010100010111000"
)
EXPANSION_BITS = 1_000_000


def _to_bits(value: int, n: int) -> np.ndarray:
    raw = value.to_bytes((n + 7) // 8, "big")
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[-n:]


def _mp_constant(name: str, integer_bits: int, n: int) -> int:
    """floor(x * 2^(n - integer_bits)): the first n bits of x's binary expansion."""
    with mpmath.workprec(n + 64):
        value = +getattr(mpmath, name)
        mantissa, exponent = int(value.man), int(value.exp)
    shift = exponent + n - integer_bits
    return mantissa >> -shift if shift < 0 else mantissa << shift


def expansion(name: str, n: int = EXPANSION_BITS) -> np.ndarray:
    if name == "sqrt2":
        return _to_bits(math.isqrt(2 << 2 * (n - 1)), n)
    if name == "sqrt3":
        return _to_bits(math.isqrt(3 << 2 * (n - 1)), n)
    return _to_bits(_mp_constant(name, 2, n), n)


@pytest.fixture(scope="session")
def expansions() -> dict[str, np.ndarray]:
    """10^6 bits of pi, e, sqrt(2) and sqrt(3) (about 10 s to derive, once per session)."""
    return {name: expansion(name) for name in ("pi", "e", "sqrt2", "sqrt3")}


@pytest.fixture(scope="session")
def pi_100() -> np.ndarray:
    return from_string(PI_100)
