"""Turning the statistics' analyses into requirement results (measurements, findings, evidence).

Each requirement of F-01..F-05 may be analysed over several populations, each at its share of
alpha; the requirement FAILs if any population's analysis fails, PASSes if none fails and at
least one reached its power and passed, and is INCONCLUSIVE otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.fairness.analysis import RequirementAnalysis, StatTest
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.verdict import Verdict

__all__ = ["REMEDIATION", "combine_populations", "not_assessed"]

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


def _measurements(label: str, test: StatTest) -> list[Measurement]:
    prefix = f"{label} {test.name}"
    unit = test.effect_label or "1"
    return [
        Measurement(f"{prefix}: p-value", test.p_value, "1"),
        Measurement(f"{prefix}: Holm-adjusted p-value", test.adjusted_p_value, "1"),
        Measurement(f"{prefix}: effect size", test.effect_size, unit),
        Measurement(f"{prefix}: minimum detectable effect", test.mde, unit),
        Measurement(f"{prefix}: power", test.power, "1"),
    ]


def _findings(rid: str, label: str, analysis: RequirementAnalysis, alpha: float) -> list[Finding]:
    found = []
    for test in analysis.tests:
        if not test.rejected:
            continue
        message = Message.of(
            "fairness.test_rejects",
            "{population}: {test} rejects '{null}' (Holm-adjusted p = {p:.3g} <= alpha {alpha})",
            population=label, test=test.name, null=test.null_hypothesis,
            p=test.adjusted_p_value, alpha=alpha,
        )
        found.append(Finding(Severity.HIGH, message, REMEDIATION[rid], test.to_dict()))
    return found


def _verdict(verdicts: Sequence[Verdict]) -> Verdict:
    if Verdict.FAIL in verdicts:
        return Verdict.FAIL
    if Verdict.PASS in verdicts:
        return Verdict.PASS
    if verdicts and all(v is Verdict.NOT_APPLICABLE for v in verdicts):
        return Verdict.NOT_APPLICABLE
    return Verdict.INCONCLUSIVE


def _summary(verdict: Verdict, analyses: Mapping[str, RequirementAnalysis]) -> Message:
    """The statistics' own message when one population decides; otherwise one per population."""
    if len(analyses) == 1:
        (analysis,) = analyses.values()
        return Message.given(analysis.message_id or "fairness.analysis", analysis.reason,
                             analysis.message_params)
    reasons = "; ".join(f"{label}: {a.reason}" for label, a in analyses.items())
    return Message.of("fairness.populations", "{verdict}: {reasons}", verdict=verdict.value,
                      reasons=reasons)


def combine_populations(
    rid: str, analyses: Mapping[str, RequirementAnalysis], alpha: float,
    evidence: Mapping[str, Any],
) -> RequirementResult:
    """One requirement's result from its analysis in each population (keyed by label)."""
    verdict = _verdict([a.verdict for a in analyses.values()])
    measurements: list[Measurement] = []
    findings: list[Finding] = []
    for label, analysis in analyses.items():
        measurements += [m for test in analysis.tests for m in _measurements(label, test)]
        findings += _findings(rid, label, analysis, alpha)
    summary = _summary(verdict, analyses)
    detail = {
        "populations": {
            label: {"verdict": a.verdict.value, "reason": a.reason, "decision": a.decision,
                    "tests": [t.to_dict() for t in a.tests], "plots": a.plots}
            for label, a in analyses.items()
        },
        **evidence,
    }
    return RequirementResult.of(rid, verdict, summary, measurements=tuple(measurements),
                                findings=tuple(findings), evidence=detail)
