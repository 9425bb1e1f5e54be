"""SP 800-22 Appendix B: the reference's P-values for 10^6 bits of pi, e, sqrt(2) and sqrt(3).

Every printed value reproduces to six decimals, including those that depend on the reference's
choices where it departs from the publication's text (overlapping-template pi, longest-run
table to 4 decimals, rank probabilities). The table lists one P-value per test: the first template
(000000001), random excursions x = +1, variant x = -1, and serial's first P-value.
"""

from __future__ import annotations

import pytest

from harness.fairness.sp800_22 import TEST_NAMES, run_sequence

# test: (column index, pi, e, sqrt2, sqrt3)
APPENDIX_B = {
    "Frequency": (0, 0.578211, 0.953749, 0.811881, 0.610051),
    "BlockFrequency": (0, 0.380615, 0.211072, 0.833222, 0.473961),
    "CumulativeSums": (0, 0.628308, 0.669886, 0.879009, 0.917121),
    "CumulativeSums backward": (1, 0.663369, 0.724265, 0.957206, 0.689519),
    "Runs": (0, 0.419268, 0.561917, 0.313427, 0.261123),
    "LongestRun": (0, 0.024390, 0.718945, 0.012117, 0.446726),
    "Rank": (0, 0.083553, 0.306156, 0.823810, 0.314498),
    "FFT": (0, 0.010186, 0.847187, 0.581909, 0.776046),
    "NonOverlappingTemplate": (0, 0.165757, 0.078790, 0.569461, 0.532235),
    "OverlappingTemplate": (0, 0.296897, 0.110434, 0.791982, 0.082716),
    "Universal": (0, 0.669012, 0.282568, 0.130805, 0.165981),
    "ApproximateEntropy": (0, 0.361595, 0.700073, 0.884740, 0.180481),
    "RandomExcursions": (4, 0.844143, 0.786868, 0.216235, 0.783283),
    "RandomExcursionsVariant": (8, 0.760966, 0.826009, 0.566118, 0.155066),
    "Serial": (0, 0.143005, 0.766182, 0.861925, 0.157500),
    "LinearComplexity": (0, 0.255475, 0.826335, 0.317127, 0.346469),
}
CONSTANTS = ("pi", "e", "sqrt2", "sqrt3")


@pytest.fixture(scope="module")
def battery(expansions):
    return {name: run_sequence(bits) for name, bits in expansions.items()}


@pytest.mark.slow
@pytest.mark.parametrize("constant", CONSTANTS)
@pytest.mark.parametrize("row", sorted(APPENDIX_B))
def test_appendix_b_value_reproduces(battery, constant, row) -> None:
    column, *values = APPENDIX_B[row]
    test = row.split()[0]
    result = battery[constant][TEST_NAMES.index(test)]
    assert result.applicable
    assert result.p_values[column] == pytest.approx(values[CONSTANTS.index(constant)], abs=5e-7)
