"""Template matching: SP 800-22 sections 2.7 and 2.8 examples and the aperiodic template list."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.fairness.sp800_22.bits import from_string
from harness.fairness.sp800_22.templates import (
    aperiodic_templates,
    non_overlapping,
    overlapping,
    overlapping_probabilities,
)

OVERLAPPING_EXAMPLE = "10111011110010110100011100101110111110000101101001"


def test_there_are_148_aperiodic_templates_of_9_bits_in_template9_order() -> None:
    templates = [format(t, "09b") for t in aperiodic_templates(9)]
    assert len(templates) == 148
    assert templates[:3] == ["000000001", "000000011", "000000101"]
    assert templates[-1] == "111111110"
    assert templates == sorted(templates)


@pytest.mark.parametrize(("m", "count"), [(2, 2), (3, 4), (4, 6), (5, 12), (8, 74), (10, 284)])
def test_aperiodic_template_counts_match_sts(m, count) -> None:
    assert len(aperiodic_templates(m)) == count


def test_non_overlapping_example_2_7_4() -> None:
    result = non_overlapping(from_string("10100100101110010110"), m=3, blocks=2)
    assert format(aperiodic_templates(3)[0], "03b") == "001"
    assert result.statistics["W"][0] == [2, 1]
    assert result.statistics["mu"] == 1.0 and result.statistics["sigma2"] == 0.46875
    assert result.statistics["chi2"][0] == pytest.approx(2.133333, abs=5e-7)
    assert result.p_values[0] == pytest.approx(0.344154, abs=5e-7)


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_non_overlapping_counts_equal_the_reference_scan(seed, m) -> None:
    """sts scans each block and skips m - 1 bits after a match; for aperiodic templates that is
    the plain number of matching windows."""
    bits = np.random.default_rng(seed).integers(0, 2, 400, dtype=np.uint8)
    result = non_overlapping(bits, m=m, blocks=4)
    block = 100
    for index, template in enumerate(aperiodic_templates(m)):
        pattern = [int(c) for c in format(template, f"0{m}b")]
        for b in range(4):
            chunk, j, hits = bits[b * block : (b + 1) * block].tolist(), 0, 0
            while j <= block - m:
                if chunk[j : j + m] == pattern:
                    hits, j = hits + 1, j + m
                else:
                    j += 1
            assert result.statistics["W"][index][b] == hits


def test_overlapping_probabilities_are_the_reference_ones() -> None:
    """sts-2.1.2 computes pi from its Pr(u, eta) (eta = 1); the publication's section 3.8 lists
    corrected values 0.364091, 0.185659, ... that the reference does not use."""
    assert overlapping_probabilities() == pytest.approx(
        (0.367879, 0.183940, 0.137955, 0.099634, 0.069935, 0.140657), abs=5e-7
    )


def test_overlapping_example_2_8_4_probabilities_and_chi2() -> None:
    """The example's pi (eta = 1.125) and chi^2 follow from its printed nu = (0,1,1,1,1,1), but
    that nu is not what its 50 input bits give: the blocks hold 5, 1, 3, 4, 1 matches of 11, so
    nu = (0, 2, 0, 1, 1, 1) (checked by hand). We check pi, chi^2 from the printed nu, and the
    counts from the bits."""
    pis = overlapping_probabilities(m=2, block=10, classes=5)
    assert pis[:5] == pytest.approx((0.324652, 0.182617, 0.142670, 0.106645, 0.077147), abs=5e-7)
    assert pis[5] == pytest.approx(0.166269, abs=1e-6)  # printed as 1 - the rounded others
    printed_nu = np.array([0, 1, 1, 1, 1, 1])
    printed_pi = np.array([0.324652, 0.182617, 0.142670, 0.106645, 0.077147, 0.166269])
    chi2 = float(np.sum((printed_nu - 5 * printed_pi) ** 2 / (5 * printed_pi)))
    assert chi2 == pytest.approx(3.167729, abs=5e-7)
    result = overlapping(from_string(OVERLAPPING_EXAMPLE), m=2, block=10, classes=5)
    assert result.statistics["nu"] == [0, 2, 0, 1, 1, 1]


@pytest.mark.slow
def test_overlapping_example_2_8_8_e(expansions) -> None:
    result = overlapping(expansions["e"])
    assert result.statistics["nu"] == [329, 164, 150, 111, 78, 136]
    assert result.statistics["chi2"] == pytest.approx(8.965859, abs=5e-7)
    assert result.p_value == pytest.approx(0.110434, abs=5e-7)


def test_template_tests_do_not_apply_to_too_short_sequences() -> None:
    bits = np.zeros(40, dtype=np.uint8)
    short = non_overlapping(bits, m=9)
    assert not short.applicable and len(short.p_values) == 148
    assert not overlapping(bits).applicable
