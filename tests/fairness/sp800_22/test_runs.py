"""Runs and longest run of ones: SP 800-22 sections 2.3 and 2.4 examples, and edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.runs import _longest_runs, longest_run, runs

LONGEST_RUN_EXAMPLE = (
    "11001100000101010110110001001100111000000000001001"
    "00110101010001000100111101011010000000110101111100"
    "1100111001101101100010110010"
)


def test_runs_example_2_3_4() -> None:
    result = runs(from_string("1001101011"))
    assert result.statistics["V_n"] == 7
    assert result.p_value == pytest.approx(0.147232, abs=5e-7)


def test_runs_example_2_3_8(pi_100) -> None:
    result = runs(pi_100)
    assert (result.statistics["pi"], result.statistics["V_n"]) == (0.42, 52)
    assert result.p_value == pytest.approx(0.500798, abs=5e-7)


def test_runs_fails_with_p_zero_when_the_frequency_prerequisite_fails() -> None:
    result = runs(np.ones(1000, dtype=np.uint8))
    assert result.applicable and result.p_value == 0.0
    assert result.statistics["frequency_prerequisite"] is False


def test_longest_run_example_2_4_8() -> None:
    result = longest_run(from_string(LONGEST_RUN_EXAMPLE))
    assert result.statistics["nu"] == [4, 9, 3, 0]
    assert result.statistics["chi2"] == pytest.approx(4.882457, abs=5e-7)
    assert result.p_value == pytest.approx(0.180609, abs=5e-7)


def test_longest_run_does_not_apply_below_128_bits() -> None:
    result = longest_run(np.zeros(127, dtype=np.uint8))
    assert not result.applicable and "128" in (result.reason or "")


@given(st.lists(st.lists(st.integers(0, 1), min_size=8, max_size=8), min_size=1, max_size=40))
def test_longest_runs_match_a_direct_scan(rows) -> None:
    def direct(row: list[int]) -> int:
        best = current = 0
        for bit in row:
            current = current + 1 if bit else 0
            best = max(best, current)
        return best

    got = _longest_runs(np.asarray(rows, dtype=np.uint8))
    assert got.tolist() == [direct(r) for r in rows]
