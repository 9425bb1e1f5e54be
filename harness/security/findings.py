"""Building findings and judging a check's report: one rule for every security requirement.

A finding names the requirement it breaks and a stable rule id (used by SARIF), has a severity,
a CWE where one fits, remediation advice, a location (``contract:METHOD /template`` for a dynamic
finding, ``source:path:line`` for a static one) and the exchanges that prove it.

Verdict rule: any finding of severity MEDIUM or above makes the requirement FAIL; LOW and INFO
findings are reported but do not fail it. Without such a finding, a check that could not assess
what it needed is INCONCLUSIVE (or NOT_APPLICABLE when the requirement cannot apply here, e.g.
S-09 without a source tree); otherwise PASS.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from harness.contract import Contract
from harness.results import Finding, Message, RequirementResult, Severity
from harness.security.exchange import Exchange
from harness.security.registry import ProbeReport
from harness.verdict import Verdict

__all__ = ["FAILING", "finding", "judge", "operation_location"]

FAILING = frozenset({Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM})


def operation_location(contract: Contract, method: str, path: str) -> str:
    """``contract:METHOD /template`` of the operation ``path`` belongs to (the whole contract
    document, ``contract:``, for a path that is no operation of it)."""
    found = contract.operation(method, path.split("?", 1)[0])
    return f"contract:{method.upper()} {found.template}" if found else "contract:"


def finding(
    requirement: str, rule: str, severity: Severity, message: Message, remediation: Message, *,
    cwe: int | None = None, location: str | None = None, exchanges: Iterable[Exchange] = (),
    **extra: Any,
) -> Finding:
    evidence: dict[str, Any] = {"requirement": requirement, "rule": rule, **extra}
    quoted = [exchange.evidence() for exchange in exchanges]
    if quoted:
        evidence["exchanges"] = quoted
    return Finding(severity, message, remediation, evidence, cwe, location)


def _summary(report: ProbeReport, verdict: Verdict) -> Message:
    failing = [f for f in report.findings if f.severity in FAILING]
    if verdict is Verdict.FAIL:
        return Message.of("security.failed", "{count} finding(s) break the requirement; first:"
                          " {first}", count=len(failing), first=failing[0].message.text,
                          first_finding=failing[0].message)
    if verdict is Verdict.NOT_APPLICABLE and report.not_applicable is not None:
        return report.not_applicable
    if verdict is Verdict.INCONCLUSIVE and report.inconclusive is not None:
        return report.inconclusive
    parts = "; ".join(m.text for m in report.not_assessed)
    notes = len(report.findings)
    return Message.of("security.passed",
                      "no finding breaks the requirement ({notes} advisory note(s)){rest}",
                      notes=notes, rest=f"; not assessed: {parts}" if parts else "",
                      not_assessed=list(report.not_assessed))


def judge(report: ProbeReport) -> RequirementResult:
    """The requirement's result from its check's report (see the module docstring)."""
    if any(f.severity in FAILING for f in report.findings):
        verdict = Verdict.FAIL
    elif report.not_applicable is not None:
        verdict = Verdict.NOT_APPLICABLE
    elif report.inconclusive is not None:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.PASS
    evidence = dict(report.evidence)
    if report.not_assessed:
        evidence["not_assessed"] = [m.to_dict() for m in report.not_assessed]
    return RequirementResult.of(
        report.requirement, verdict, _summary(report, verdict),
        measurements=tuple(report.measurements), findings=tuple(report.findings),
        evidence=evidence,
    )
