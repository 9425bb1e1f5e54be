"""Turning the statistics' analyses into requirement results (measurements, findings, evidence).

The statistics analyse every population's practice draws as one Holm family and give one
verdict per requirement (``analysis.analyse_samples``); this module adds the findings, the
measurements and the evidence around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.fairness.analysis import RequirementAnalysis, StatTest
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.verdict import Verdict

__all__ = ["REMEDIATION", "analysis_result", "not_assessed"]

REMEDIATION: Mapping[str, Message] = {
    "F-01": Message.of("fairness.remedy.F-01",
                       "Draw with ACS-DRAW-1 over the whole canonical list: unbiased rejection"
                       " sampling (step 4) and a Fisher-Yates shuffle reaching every applicant."),
    "F-02": Message.of("fairness.remedy.F-02",
                       "Take the reserve list from the same shuffle, in drawn order, after the"
                       " primary slots; never re-sort or re-draw it."),
    "F-03": Message.of("fairness.remedy.F-03",
                       "Draw over the canonical (byte-sorted) list of ids, never in storage or"
                       " registration order, and keep registration times out of the draw."),
    "F-04": Message.of("fairness.remedy.F-04",
                       "Keep applicant attributes (region, national id) out of the draw's inputs."),
    "F-05": Message.of("fairness.remedy.F-05",
                       "Derive every draw from its seed alone through SHA-256 as ACS-DRAW-1"
                       " specifies; never reuse, truncate or share the random stream."),
}


def not_assessed(requirement_id: str, message: Message, evidence: Mapping[str, Any]
                 ) -> RequirementResult:
    return RequirementResult.of(requirement_id, Verdict.INCONCLUSIVE, message, evidence=evidence)


def _measurements(test: StatTest) -> list[Measurement]:
    unit = test.effect_label or "1"
    return [
        Measurement(f"{test.name}: p-value", test.p_value, "1"),
        Measurement(f"{test.name}: Holm-adjusted p-value", test.adjusted_p_value, "1"),
        Measurement(f"{test.name}: effect size", test.effect_size, unit),
        Measurement(f"{test.name}: minimum detectable effect", test.mde, unit),
        Measurement(f"{test.name}: power", test.power, "1"),
    ]


def _findings(rid: str, analysis: RequirementAnalysis, alpha: float) -> list[Finding]:
    found = []
    for test in analysis.tests:
        if not test.rejected:
            continue
        message = Message.of(
            "fairness.test_rejects",
            "{test} rejects '{null}' (Holm-adjusted p = {p:.3g} <= alpha {alpha})",
            test=test.name, null=test.null_hypothesis, p=test.adjusted_p_value, alpha=alpha,
        )
        found.append(Finding(Severity.HIGH, message, REMEDIATION[rid], test.to_dict()))
    return found


def analysis_result(rid: str, analysis: RequirementAnalysis, alpha: float,
                    evidence: Mapping[str, Any]) -> RequirementResult:
    """One requirement's result from the statistics' analysis of it."""
    summary = Message.given(analysis.message_id or "fairness.analysis", analysis.reason,
                            analysis.message_params)
    detail = {"reason": analysis.reason, "decision": analysis.decision,
              "tests": [t.to_dict() for t in analysis.tests], "plots": analysis.plots,
              **evidence}
    return RequirementResult.of(
        rid, analysis.verdict, summary,
        measurements=tuple(m for test in analysis.tests for m in _measurements(test)),
        findings=tuple(_findings(rid, analysis, alpha)), evidence=detail)
