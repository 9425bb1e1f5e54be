"""Serial and approximate entropy: SP 800-22 sections 2.11 and 2.12 examples."""

from __future__ import annotations

import pytest

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.entropy import approximate_entropy, pattern_counts, serial


def test_serial_example_2_11_4() -> None:
    result = serial(from_string("0011011101"), 3)
    stats = result.statistics
    assert (stats["psi2_m"], stats["psi2_m1"], stats["psi2_m2"]) == pytest.approx((2.8, 1.2, 0.4))
    assert (stats["del1"], stats["del2"]) == pytest.approx((1.6, 0.8))
    assert result.p_values == pytest.approx((0.808792, 0.670320), abs=5e-7)


@pytest.mark.slow
def test_serial_example_2_11_8_e(expansions) -> None:
    result = serial(expansions["e"], 2)
    assert result.statistics["del1"] == pytest.approx(0.339764, abs=5e-7)
    assert result.statistics["del2"] == pytest.approx(0.336400, abs=5e-7)
    assert result.p_values == pytest.approx((0.843764, 0.561915), abs=5e-7)


def test_approximate_entropy_example_2_12_4() -> None:
    result = approximate_entropy(from_string("0100110101"), 3)
    assert result.statistics["ApEn"] == pytest.approx(0.190954, abs=5e-7)
    assert result.statistics["chi2"] == pytest.approx(10.043859, abs=5e-7)
    assert result.p_value == pytest.approx(0.261961, abs=5e-7)


def test_approximate_entropy_example_2_12_8(pi_100) -> None:
    result = approximate_entropy(pi_100, 2)
    assert result.statistics["ApEn"] == pytest.approx(0.665393, abs=5e-7)
    assert result.statistics["chi2"] == pytest.approx(5.550792, abs=5e-7)
    assert result.p_value == pytest.approx(0.235301, abs=5e-7)


def test_shared_longer_counts_give_the_same_result(pi_100) -> None:
    direct = approximate_entropy(pi_100, 3)
    shared = approximate_entropy(pi_100, 3, pattern_counts(pi_100, 6), 6)
    assert shared.p_values == pytest.approx(direct.p_values, rel=1e-12)
    assert serial(pi_100, 4, pattern_counts(pi_100, 4)).p_values == serial(pi_100, 4).p_values
