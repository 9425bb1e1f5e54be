"""Binary matrix rank: SP 800-22 section 2.5 examples and GF(2) elimination."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.rank import _rank_probability, gf2_ranks, rank


def _direct_rank(matrix: list[list[int]]) -> int:
    rows = [int("".join(map(str, r)), 2) for r in matrix]
    found = 0
    for bit in reversed(range(len(matrix[0]))):
        pivot = next((r for r in rows if r >> bit & 1), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        rows = [r ^ pivot if r >> bit & 1 else r for r in rows]
        found += 1
    return found


def test_example_2_5_4_ranks() -> None:
    matrices = from_string("01011001001010101101")[:18].reshape(2, 3, 3)
    assert gf2_ranks(matrices).tolist() == [2, 3]


def test_class_probabilities_are_the_published_ones() -> None:
    assert _rank_probability(32) == pytest.approx(0.2888, abs=5e-5)
    assert _rank_probability(31) == pytest.approx(0.5776, abs=5e-5)


@settings(max_examples=60)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_ranks_match_direct_elimination(rows, cols, seed) -> None:
    matrices = np.random.default_rng(seed).integers(0, 2, (5, rows, cols), dtype=np.uint8)
    matrices[0] = 0
    assert gf2_ranks(matrices).tolist() == [_direct_rank(m.tolist()) for m in matrices]


def test_rank_does_not_apply_without_a_whole_matrix() -> None:
    assert not rank(np.zeros(1023, dtype=np.uint8)).applicable


@pytest.mark.slow
def test_example_2_5_8_first_100000_bits_of_e(expansions) -> None:
    result = rank(expansions["e"][:100_000])
    assert result.statistics["F"] == (23, 60, 14)
    assert result.statistics["chi2"] == pytest.approx(1.2619656, abs=5e-8)
    assert result.p_value == pytest.approx(0.532069, abs=5e-7)
