"""The one verdict type used by every suite, the report and the exit code."""

from enum import StrEnum

__all__ = ["ExitCode", "Verdict"]


class Verdict(StrEnum):
    PASS = "PASS"  # noqa: S105 - a verdict, not a password
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class ExitCode:
    """Process exit codes of the command line."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INCONCLUSIVE = 3
