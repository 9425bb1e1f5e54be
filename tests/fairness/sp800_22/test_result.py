"""TestResult and the Cephes-compatible special functions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from harness.fairness.sp800_22.result import TestResult, igamc


def test_igamc_is_one_for_non_positive_x_as_in_cephes() -> None:
    assert igamc(2.5, -1e-12) == 1.0 and igamc(2.5, 0.0) == 1.0
    assert igamc(2.5, 3.0) == pytest.approx(special.gammaincc(2.5, 3.0))
    assert igamc(4.0, np.array([-1.0, 2.0])).tolist() == [1.0, special.gammaincc(4.0, 2.0)]


def test_not_applicable_results_carry_null_p_values_and_a_reason() -> None:
    result = TestResult.not_applicable("Serial", 2, "too short")
    assert result.p_values == (None, None) and result.reason == "too short"
    assert not result.applicable and result.p_value is None
