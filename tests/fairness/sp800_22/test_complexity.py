"""Linear complexity: section 2.10 examples; vectorised Berlekamp-Massey vs a direct one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.complexity import linear_complexities, linear_complexity


def _direct_berlekamp_massey(s: list[int]) -> int:
    n = len(s)
    c, b = [1] + [0] * n, [1] + [0] * n
    length, m = 0, -1
    for t in range(n):
        d = s[t]
        for i in range(1, length + 1):
            d ^= c[i] & s[t - i]
        if d:
            before = c[:]
            for j in range(n + 1 - (t - m)):
                c[j + t - m] ^= b[j]
            if 2 * length <= t:
                length, m, b = t + 1 - length, t, before
    return length


def test_example_2_10_4_has_linear_complexity_4() -> None:
    assert linear_complexities(from_string("1101011110001")[None, :]).tolist() == [4]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1))
def test_matches_direct_berlekamp_massey(size, seed) -> None:
    blocks = np.random.default_rng(seed).integers(0, 2, (6, size), dtype=np.uint8)
    blocks[0] = 0
    blocks[1] = 0
    blocks[1, -1] = 1  # complexity size: the hardest case for the word bookkeeping
    got = linear_complexities(blocks).tolist()
    assert got == [_direct_berlekamp_massey(b.tolist()) for b in blocks]


def test_does_not_apply_without_a_whole_block() -> None:
    assert not linear_complexity(np.zeros(499, dtype=np.uint8)).applicable


@pytest.mark.slow
def test_example_2_10_8_e_with_m_1000(expansions) -> None:
    result = linear_complexity(expansions["e"], 1000)
    assert result.statistics["nu"] == [11, 31, 116, 501, 258, 57, 26]
    assert result.statistics["chi2"] == pytest.approx(2.700348, abs=5e-7)
    assert result.p_value == pytest.approx(0.845406, abs=5e-7)
