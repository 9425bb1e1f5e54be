"""NIST SP 800-22 Rev 1a statistical test battery, vectorised with numpy (requirement F-07).

Each test returns the same P-values as NIST's reference implementation sts-2.1.2; where the
reference and the publication differ, the reference is followed and docs/sp800-22.md says so.
"""

from harness.fairness.sp800_22.assessment import ColumnAssessment, TestAssessment
from harness.fairness.sp800_22.battery import (
    MINIMUM_BITS,
    TEST_NAMES,
    BatteryReport,
    column_labels,
    run_battery,
    run_sequence,
)
from harness.fairness.sp800_22.result import TestResult

__all__ = [
    "MINIMUM_BITS",
    "TEST_NAMES",
    "BatteryReport",
    "ColumnAssessment",
    "TestAssessment",
    "TestResult",
    "column_labels",
    "run_battery",
    "run_sequence",
]
