"""The battery: test order, JSON layout, not-applicable handling and end-to-end verdicts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from harness.errors import UsageError
from harness.fairness.sp800_22 import (
    MINIMUM_BITS,
    TEST_NAMES,
    column_labels,
    run_battery,
    run_sequence,
)
from harness.verdict import Verdict

WIDTHS = {"CumulativeSums": 2, "NonOverlappingTemplate": 148, "RandomExcursions": 8,
          "RandomExcursionsVariant": 18, "Serial": 2}


def _random_bytes(count: int, seed: int = 1) -> bytes:
    return np.random.default_rng(seed).bytes(count)


def test_names_and_widths_are_nists() -> None:
    assert TEST_NAMES == (
        "Frequency", "BlockFrequency", "CumulativeSums", "Runs", "LongestRun", "Rank", "FFT",
        "NonOverlappingTemplate", "OverlappingTemplate", "Universal", "ApproximateEntropy",
        "RandomExcursions", "RandomExcursionsVariant", "Serial", "LinearComplexity",
    )
    assert sum(len(column_labels(n)) for n in TEST_NAMES) == 188
    for name in TEST_NAMES:
        assert len(column_labels(name)) == WIDTHS.get(name, 1)


def test_json_layout_is_flat_per_test_in_sequence_order() -> None:
    report = run_battery(_random_bytes(3 * 5000), sequence_bits=40_000, sequences=3)
    document = json.loads(report.to_json())
    assert document["sequence_bits"] == 40_000 and document["sequences"] == 3
    assert list(document["tests"]) == list(TEST_NAMES)
    for name in TEST_NAMES:
        values = document["tests"][name]
        assert len(values) == 3 * WIDTHS.get(name, 1)
        per_sequence = [row[TEST_NAMES.index(name)].p_values for row in report.results]
        assert values == [p for row in per_sequence for p in row]
    assert document["columns"]["CumulativeSums"] == ["forward", "backward"]
    level = document["second_level"]
    assert level["verdict"] in {v.value for v in Verdict}
    frequency = level["tests"]["Frequency"]["columns"][0]
    assert frequency["sample_size"] == 3 and len(frequency["histogram"]) == 10


def test_tests_below_their_minimum_length_are_null_with_a_reason() -> None:
    report = run_battery(_random_bytes(5000), sequence_bits=40_000)
    document = report.to_dict()
    for name, (minimum, section) in MINIMUM_BITS.items():
        if minimum > 40_000:
            assert document["tests"][name] == [None] * WIDTHS.get(name, 1)
            reason = document["not_applicable"][name][0]["reason"]
            assert str(minimum) in reason and section in reason
        else:
            assert None not in document["tests"][name]
    assert document["second_level"]["tests"]["Universal"]["verdict"] == "NOT_APPLICABLE"
    assert report.verdict is not Verdict.PASS  # part of the battery did not run


def test_tiny_sequences_never_raise() -> None:
    for bits in (1, 7, 64, 71):
        results = run_sequence(np.ones(bits, dtype=np.uint8))
        assert all(not r.applicable for r in results)
    for bits in (72, 100, 128, 1000):
        assert len(run_sequence(np.ones(bits, dtype=np.uint8))) == 15


@pytest.mark.parametrize("pattern", [[0], [1], [0, 1], [0, 0, 1, 1]])
def test_degenerate_million_bit_sequences_give_p_values_not_errors(pattern) -> None:
    """Constant and periodic inputs exercise every edge (no cycles, too many cycles, zero
    variance); each test must answer with numbers or a reason, never NaN or an exception."""
    bits = np.resize(np.asarray(pattern, dtype=np.uint8), 1_000_000)
    for result in run_sequence(bits):
        values = [p for p in result.p_values if p is not None]
        assert result.applicable == bool(values) and not np.isnan(values).any()
        assert result.applicable or result.reason


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [(b"", {}), (bytes(10), {"sequence_bits": 100, "sequences": 2}),
     (bytes(10), {"sequence_bits": 0}), (bytes(10), {"sequence_bits": 8, "sequences": -1})],
)
def test_bad_input_is_a_usage_error(data, kwargs) -> None:
    with pytest.raises(UsageError):
        run_battery(data, **kwargs)


def test_good_generator_passes_uniformity_on_60_sequences() -> None:
    """Fixed-seed numpy PCG64 bytes: every column that runs at 20000 bits keeps uniform P-values
    (each column's false-alarm rate is 1e-4) and the frequency test passes."""
    report = run_battery(_random_bytes(60 * 2500, seed=7), sequence_bits=20_000)
    ran = [a for a in report.assessments if a.verdict is not Verdict.NOT_APPLICABLE]
    assert {a.name for a in ran} >= {"Frequency", "Runs", "CumulativeSums", "FFT"}
    for test in ran:
        assert all(c.uniformity_ok for c in test.columns), test.name
    assert report.assessments[0].verdict is Verdict.PASS


def test_biased_generator_fails() -> None:
    """Ones with probability 0.53: at n = 20000 the monobit z-score is about 8.5, so every
    sequence fails the frequency test (power > 0.999999) and the battery fails."""
    rng = np.random.default_rng(11)
    bits = (rng.random(60 * 20_000) < 0.53).astype(np.uint8)
    report = run_battery(np.packbits(bits).tobytes(), sequence_bits=20_000)
    assert report.assessments[0].verdict is Verdict.FAIL
    assert report.verdict is Verdict.FAIL
