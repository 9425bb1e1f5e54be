"""Maurer's universal test: SP 800-22 section 2.9.

The 2.9.4 example prints P = 0.767189, which is erfc(|f_n - E| / (sqrt 2 sqrt(Var))), i.e. with
sigma = sqrt(variance(L)), not the c sqrt(Var/K) of its own step (5) that sts uses. f_n
reproduces; the P-value is checked with the example's sigma.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.universal import choose_block_length, universal, universal_statistic


def test_example_2_9_4_statistic() -> None:
    fn, blocks = universal_statistic(from_string("01011010011101010111"), 2, 4)
    assert blocks == 6
    assert fn == pytest.approx(1.1949875, abs=5e-8)
    p = math.erfc(abs(fn - 1.5374383) / (math.sqrt(2) * math.sqrt(1.338)))
    assert p == pytest.approx(0.767189, abs=5e-7)


@pytest.mark.parametrize(
    ("n", "block"), [(387_839, 5), (387_840, 6), (904_960, 7), (1_000_000, 7), (2_068_480, 8)]
)
def test_block_length_follows_the_reference_thresholds(n, block) -> None:
    assert choose_block_length(n) == block


def test_does_not_apply_below_387840_bits() -> None:
    result = universal(np.zeros(387_839, dtype=np.uint8))
    assert not result.applicable and "387840" in (result.reason or "")


@pytest.mark.slow
def test_example_2_9_8_e(expansions) -> None:
    result = universal(expansions["e"])
    assert (result.statistics["L"], result.statistics["Q"]) == (7, 1280)
    assert result.p_value == pytest.approx(0.282568, abs=5e-7)
