"""The one verdict type used by every suite, the report and the exit code."""

from enum import Enum

__all__ = ["ExitCode", "Verdict"]


class Verdict(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class ExitCode:
    """Process exit codes of DESIGN.md section 6."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INCONCLUSIVE = 3
