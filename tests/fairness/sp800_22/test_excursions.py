"""Random excursions (variant): SP 800-22 sections 2.14 and 2.15 examples and applicability.

2.14.4 prints chi^2 = 4.333033 and P = 0.502529 for x = +1; its own nu and pi give exactly
chi^2 = 13/3 = 4.333333 (P = 0.502488), so the printed chi^2 has a digit slip: we check chi^2
exactly and P to the 4 digits the slip leaves intact.
"""

from __future__ import annotations

import numpy as np
import pytest

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.excursions import random_excursions, random_excursions_variant

E_EXCURSIONS = (0.573306, 0.197996, 0.164011, 0.007779, 0.786868, 0.440912, 0.797854, 0.778186)
E_VARIANT = (0.858946, 0.794755, 0.576249, 0.493417, 0.633873, 0.917283, 0.934708, 0.816012,
             0.826009, 0.137861, 0.200642, 0.441254, 0.939291, 0.505683, 0.445935, 0.512207,
             0.538635, 0.593930)


def test_random_excursions_example_2_14_4() -> None:
    result = random_excursions(from_string("0110110101"), enforce_minimum=False)
    assert result.statistics["J"] == 3
    plus_one = result.statistics["states"].index(1)
    assert result.statistics["nu"][plus_one] == [1, 1, 0, 1, 0, 0]
    assert result.statistics["chi2"][plus_one] == pytest.approx(13 / 3)
    assert result.p_values[plus_one] == pytest.approx(0.502529, abs=1e-4)


def test_random_excursions_variant_example_2_15_4() -> None:
    result = random_excursions_variant(from_string("0110110101"), enforce_minimum=False)
    plus_one = result.statistics["states"].index(1)
    assert result.statistics["xi"][plus_one] == 4
    assert result.p_values[plus_one] == pytest.approx(0.683091, abs=5e-7)


def test_too_few_cycles_is_not_applicable_with_null_p_values() -> None:
    bits = from_string("0110110101" * 20)
    for result, width in ((random_excursions(bits), 8), (random_excursions_variant(bits), 18)):
        assert not result.applicable and result.p_values == (None,) * width
        assert "cycles" in (result.reason or "")


def test_more_cycles_than_the_reference_accepts_is_not_applicable() -> None:
    alternating = np.tile(np.array([0, 1], dtype=np.uint8), 50_000)
    result = random_excursions(alternating)
    assert not result.applicable and "refuses" in (result.reason or "")


@pytest.mark.slow
def test_examples_2_14_8_and_2_15_8_e(expansions) -> None:
    excursions = random_excursions(expansions["e"])
    assert excursions.statistics["J"] == 1490
    assert excursions.p_values == pytest.approx(E_EXCURSIONS, abs=5e-7)
    variant = random_excursions_variant(expansions["e"])
    assert variant.p_values == pytest.approx(E_VARIANT, abs=5e-7)
