"""The one verdict type used by every suite, the report and the exit code, and the rule that
combines requirement verdicts into a suite's or a certification's verdict (DESIGN.md section 5).
"""

from collections.abc import Collection, Mapping
from enum import StrEnum

__all__ = ["ExitCode", "Verdict", "certification_label", "exit_code", "overall_verdict"]


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


def overall_verdict(verdicts: Mapping[str, Verdict], mandatory: Collection[str]) -> Verdict:
    """FAIL if any requirement fails; PASS if every mandatory one among ``verdicts`` passes;
    otherwise INCONCLUSIVE. A mandatory requirement missing from ``verdicts`` was not assessed."""
    if Verdict.FAIL in verdicts.values():
        return Verdict.FAIL
    if all(verdicts.get(rid) is Verdict.PASS for rid in mandatory):
        return Verdict.PASS
    return Verdict.INCONCLUSIVE


def certification_label(verdict: Verdict) -> str:
    """The certification scope's words for an overall verdict."""
    return {Verdict.PASS: "CERTIFIED", Verdict.FAIL: "NOT_CERTIFIED"}.get(verdict, "INCONCLUSIVE")


def exit_code(verdict: Verdict) -> int:
    """0 pass, 1 fail, 3 anything else (inconclusive)."""
    return {Verdict.PASS: ExitCode.OK, Verdict.FAIL: ExitCode.FAILED}.get(
        verdict, ExitCode.INCONCLUSIVE
    )
