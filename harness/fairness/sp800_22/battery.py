"""The whole SP 800-22 battery: all 15 tests on each sequence, then the second-level assessment.

``run_battery`` is the library entry point the CLI (``harness rng-test``) and the fairness suite
(requirement F-07) share. Tests run with NIST's default parameters, in sts's order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.fairness.sp800_22 import (
    complexity,
    entropy,
    excursions,
    frequency,
    rank,
    runs,
    spectral,
    templates,
    universal,
)
from harness.fairness.sp800_22.assessment import (
    ALPHA,
    MIN_SEQUENCES_FOR_UNIFORMITY,
    UNIFORMITY_ALPHA,
    TestAssessment,
    assess_test,
    combine,
)
from harness.fairness.sp800_22.bits import iter_sequences, sequence_count
from harness.fairness.sp800_22.result import TestResult
from harness.verdict import Verdict

__all__ = ["MINIMUM_BITS", "TEST_NAMES", "BatteryReport", "column_labels", "run_battery",
           "run_sequence"]

TEST_NAMES = (
    "Frequency", "BlockFrequency", "CumulativeSums", "Runs", "LongestRun", "Rank", "FFT",
    "NonOverlappingTemplate", "OverlappingTemplate", "Universal", "ApproximateEntropy",
    "RandomExcursions", "RandomExcursionsVariant", "Serial", "LinearComplexity",
)

# The publication's minimum sequence length for each test with the battery's parameters
# (sections 2.x.7); below it the chi-square / normal approximations are not trusted, so the test
# is marked not applicable rather than run. sts itself only warns, or refuses (Universal).
MINIMUM_BITS: dict[str, tuple[int, str]] = {
    "Frequency": (100, "2.1.7"), "BlockFrequency": (100, "2.2.7"),
    "CumulativeSums": (100, "2.13.7"), "Runs": (100, "2.3.7"), "LongestRun": (128, "2.4.7"),
    "Rank": (38912, "2.5.7"), "FFT": (1000, "2.6.7"), "NonOverlappingTemplate": (72, "2.7.7"),
    "OverlappingTemplate": (1_000_000, "2.8.7"), "Universal": (387840, "2.9.7"),
    "ApproximateEntropy": (65536, "2.12.7: m < log2(n) - 5"),
    "RandomExcursions": (1_000_000, "2.14.7"), "RandomExcursionsVariant": (1_000_000, "2.15.7"),
    "Serial": (524288, "2.11.7: m < log2(n) - 2"), "LinearComplexity": (1_000_000, "2.10.7"),
}

_SERIAL_M, _APEN_M = 16, 10


def column_labels(name: str) -> tuple[str, ...]:
    """The label of each P-value column of a test, in the reference's order."""
    if name == "CumulativeSums":
        return ("forward", "backward")
    if name == "NonOverlappingTemplate":
        return tuple(format(t, "09b") for t in templates.aperiodic_templates(9))
    if name == "RandomExcursions":
        return tuple(f"x={x:+d}" for x in (-4, -3, -2, -1, 1, 2, 3, 4))
    if name == "RandomExcursionsVariant":
        return tuple(f"x={x:+d}" for x in range(-9, 10) if x != 0)
    if name == "Serial":
        return ("del psi2", "del2 psi2")
    return (name,)


def _runners(bits: np.ndarray) -> dict[str, Callable[[], TestResult]]:
    """One call per test with NIST's default parameters; the walk and pattern counts are shared."""
    shared: dict[str, np.ndarray] = {}

    def walk() -> np.ndarray:
        if "walk" not in shared:
            shared["walk"] = np.cumsum(bits.astype(np.int32) * 2 - 1, dtype=np.int32)
        return shared["walk"]

    def counts() -> np.ndarray:
        if "counts" not in shared:
            shared["counts"] = entropy.pattern_counts(bits, _SERIAL_M)
        return shared["counts"]

    return {
        "Frequency": lambda: frequency.frequency(bits),
        "BlockFrequency": lambda: frequency.block_frequency(bits, 128),
        "CumulativeSums": lambda: frequency.cumulative_sums(bits, walk()),
        "Runs": lambda: runs.runs(bits),
        "LongestRun": lambda: runs.longest_run(bits),
        "Rank": lambda: rank.rank(bits),
        "FFT": lambda: spectral.spectral(bits),
        "NonOverlappingTemplate": lambda: templates.non_overlapping(bits, 9, 8),
        "OverlappingTemplate": lambda: templates.overlapping(bits, 9, 1032, 5),
        "Universal": lambda: universal.universal(bits),
        "ApproximateEntropy": lambda: entropy.approximate_entropy(
            bits, _APEN_M, counts(), _SERIAL_M
        ),
        "RandomExcursions": lambda: excursions.random_excursions(bits, walk()),
        "RandomExcursionsVariant": lambda: excursions.random_excursions_variant(bits, walk()),
        "Serial": lambda: entropy.serial(bits, _SERIAL_M, counts()),
        "LinearComplexity": lambda: complexity.linear_complexity(bits, 500),
    }


def run_sequence(
    bits: np.ndarray, timings: dict[str, float] | None = None
) -> tuple[TestResult, ...]:
    """All 15 tests on one sequence of 0/1 bits, in TEST_NAMES order.

    A test whose minimum length (MINIMUM_BITS) exceeds n is marked not applicable with the reason.
    ``timings``, when given, accumulates the seconds each test takes (for the benchmark).
    """
    n = len(bits)
    runners = _runners(bits)
    results = []
    for name in TEST_NAMES:
        start = time.perf_counter()
        minimum, section = MINIMUM_BITS[name]
        if n < minimum:
            results.append(TestResult.not_applicable(
                name, len(column_labels(name)),
                f"n = {n} bits is below the minimum {minimum} of SP 800-22 section {section}",
            ))
        else:
            results.append(runners[name]())
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
    return tuple(results)


@dataclass(frozen=True)
class BatteryReport:
    """Every sequence's results and the second-level assessment of each test."""

    sequence_bits: int
    sequences: int
    results: tuple[tuple[TestResult, ...], ...]  # [sequence][test in TEST_NAMES order]
    assessments: tuple[TestAssessment, ...]  # in TEST_NAMES order

    @property
    def verdict(self) -> Verdict:
        return combine([a.verdict for a in self.assessments])

    def p_values(self, name: str) -> list[float | None]:
        """The flat list of a test's P-values: sequence 1's columns, then sequence 2's, ..."""
        index = TEST_NAMES.index(name)
        return [p for row in self.results for p in row[index].p_values]

    def to_dict(self) -> dict[str, Any]:
        """The layout of `harness rng-test --json`; docs/sp800-22.md describes every key."""
        not_applicable = {
            name: [{"sequence": s + 1, "reason": row[i].reason}
                   for s, row in enumerate(self.results) if not row[i].applicable]
            for i, name in enumerate(TEST_NAMES)
        }
        return {
            "sequence_bits": self.sequence_bits,
            "sequences": self.sequences,
            "tests": {name: self.p_values(name) for name in TEST_NAMES},
            "columns": {name: list(column_labels(name)) for name in TEST_NAMES},
            "not_applicable": {k: v for k, v in not_applicable.items() if v},
            "second_level": _second_level(self),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def _second_level(report: BatteryReport) -> dict[str, Any]:
    return {
        "alpha": ALPHA,
        "uniformity_alpha": UNIFORMITY_ALPHA,
        "min_sequences_for_uniformity": MIN_SEQUENCES_FOR_UNIFORMITY,
        "verdict": report.verdict.value,
        "tests": {
            a.name: {
                "verdict": a.verdict.value,
                "columns": [
                    {"label": c.label, "sample_size": c.sample_size, "passed": c.passed,
                     "proportion": c.proportion,
                     "interval": list(c.interval) if c.interval else None,
                     "pass_bounds": list(c.pass_bounds) if c.pass_bounds else None,
                     "proportion_ok": c.proportion_ok, "histogram": list(c.histogram),
                     "chi2": c.chi2, "uniformity_p": c.uniformity_p,
                     "uniformity_ok": c.uniformity_ok, "verdict": c.verdict.value,
                     "note": c.note}
                    for c in a.columns
                ],
            }
            for a in report.assessments
        },
    }


def run_battery(data: bytes, sequence_bits: int = 1_000_000, sequences: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> BatteryReport:
    """Run the battery over ``sequences`` consecutive ``sequence_bits``-bit sequences of ``data``
    (bits most significant first in each byte, as sts reads binary files); all whole sequences the
    data holds when ``sequences`` is None. Raises UsageError when the data is too short.
    """
    count = sequence_count(data, sequence_bits, sequences)
    results = []
    for i, bits in enumerate(iter_sequences(data, sequence_bits, count)):
        results.append(run_sequence(bits))
        if progress is not None:
            progress(i + 1, count)
    assessments = tuple(
        assess_test(name, column_labels(name), [row[i].p_values for row in results])
        for i, name in enumerate(TEST_NAMES)
    )
    return BatteryReport(sequence_bits, count, tuple(results), assessments)
