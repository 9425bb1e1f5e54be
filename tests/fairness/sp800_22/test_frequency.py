"""Frequency, block frequency and cumulative sums: SP 800-22 sections 2.1, 2.2, 2.13 examples."""

from __future__ import annotations

import pytest

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.frequency import block_frequency, cumulative_sums, frequency


def test_frequency_example_2_1_4() -> None:
    result = frequency(from_string("1011010101"))
    assert result.statistics["S_n"] == 2
    assert result.statistics["s_obs"] == pytest.approx(0.632455532, abs=1e-9)
    assert result.p_value == pytest.approx(0.527089, abs=5e-7)


def test_frequency_example_2_1_8(pi_100) -> None:
    assert frequency(pi_100).p_value == pytest.approx(0.109599, abs=5e-7)


def test_block_frequency_example_2_2_4() -> None:
    result = block_frequency(from_string("0110011010"), 3)
    assert result.statistics["chi2"] == pytest.approx(1.0)
    assert result.p_value == pytest.approx(0.801252, abs=5e-7)


def test_block_frequency_example_2_2_8(pi_100) -> None:
    result = block_frequency(pi_100, 10)
    assert result.statistics["chi2"] == pytest.approx(7.2)
    assert result.p_value == pytest.approx(0.706438, abs=5e-7)


def test_block_frequency_needs_one_whole_block() -> None:
    result = block_frequency(from_string("0101"), 128)
    assert not result.applicable and result.p_values == (None,)


def test_cumulative_sums_example_2_13_4() -> None:
    """The publication prints 0.4116588; Cephes-accurate normal CDFs give 0.4116586 (6 digits)."""
    result = cumulative_sums(from_string("1011010111"))
    assert result.statistics["z_forward"] == 4
    assert result.p_values[0] == pytest.approx(0.411659, abs=5e-7)


def test_cumulative_sums_example_2_13_8_forward_and_backward(pi_100) -> None:
    result = cumulative_sums(pi_100)
    assert (result.statistics["z_forward"], result.statistics["z_backward"]) == (16, 19)
    assert result.p_values[0] == pytest.approx(0.219194, abs=5e-7)
    assert result.p_values[1] == pytest.approx(0.114866, abs=5e-7)
