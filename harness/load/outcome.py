"""From what the rushes recorded to verdicts on L-01..L-04.

L-01 and L-02 judge the profile's thresholds on confidence intervals (``statistics.judge``);
L-03 and L-04 judge the reconciliation of the ledger. A saturated generator never lets L-01 FAIL
a target: its own delays add to every latency, so a FAIL becomes INCONCLUSIVE (a PASS stands,
since the target was at least that fast).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.load.generator import Rush
from harness.load.reconcile import Reconciliation
from harness.load.settings import LoadSettings
from harness.load.statistics import Interval, clopper_pearson, judge, percentile_interval
from harness.load.thresholds import Threshold
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.verdict import Verdict

__all__ = ["ThresholdResult", "assess_thresholds", "durability", "integrity", "not_assessed",
           "slo_requirement"]

REMEDIATION = {
    "L-01": Message.of("load.remedy.latency",
                       "find what serialises the deposit path (a global lock, a table lock, one"
                       " connection) and let independent applicants' deposits run concurrently"),
    "L-02": Message.of("load.remedy.errors",
                       "size the system for the rush: a request it sheds or fails under load is"
                       " an error for the client, even with Retry-After"),
    "L-03": Message.of("load.remedy.integrity",
                       "decide and insert a deposit in one transaction that holds a lock or a"
                       " unique constraint on (round, applicant); answer a replayed key with"
                       " the original deposit"),
    "L-04": Message.of("load.remedy.durability",
                       "acknowledge a deposit only after its transaction is committed to"
                       " durable storage"),
}


@dataclass(frozen=True)
class ThresholdResult:
    threshold: Threshold
    interval: Interval
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        unit = "ms" if self.threshold.percentile is not None else "ratio"
        return {"threshold": self.threshold.text, "requirement": self.threshold.requirement,
                "endpoint": self.threshold.endpoint, "metric": self.threshold.metric,
                "bound": self.threshold.bound, "unit": unit,
                "observed": self.interval.estimate, "ci_low": self.interval.low,
                "ci_high": self.interval.high, "confidence": self.interval.confidence,
                "samples": self.interval.samples, "verdict": self.verdict.value}


def _pooled(rushes: Sequence[Rush], endpoint: str) -> tuple[np.ndarray, int, int]:
    latencies = [rush.samples.latencies(endpoint) for rush in rushes]
    counts = [rush.samples.errors(endpoint) for rush in rushes]
    joined = np.concatenate(latencies) if latencies else np.empty(0)
    return joined, sum(c[0] for c in counts), sum(c[1] for c in counts)


def assess_thresholds(rushes: Sequence[Rush], settings: LoadSettings,
                      rng: np.random.Generator) -> list[ThresholdResult]:
    """Every threshold of the profile, on the samples pooled over the measured rushes."""
    results = []
    for threshold in settings.parsed_thresholds():
        latencies, errors, total = _pooled(rushes, threshold.endpoint)
        if threshold.percentile is None:
            interval = clopper_pearson(errors, total, settings.confidence)
        else:
            interval = percentile_interval(latencies, threshold.percentile, settings.confidence,
                                           settings.bootstrap_resamples, rng)
        results.append(ThresholdResult(threshold, interval,
                                       judge(interval, threshold.bound, settings.min_samples)))
    return results


def _describe(result: ThresholdResult) -> Message:
    i, t = result.interval, result.threshold
    if t.percentile is None:
        return Message.of("load.threshold.error_ratio",
                          "{endpoint} error ratio {estimate:.4%} ({confidence:.0%} CI"
                          " {low:.4%}..{high:.4%}, {samples} requests) against < {bound:.4%}",
                          endpoint=t.endpoint, estimate=i.estimate, confidence=i.confidence,
                          low=i.low, high=i.high, samples=i.samples, bound=t.bound)
    return Message.of("load.threshold.latency",
                      "{endpoint} {metric} {estimate:.1f} ms ({confidence:.0%} CI"
                      " {low:.1f}..{high:.1f}, {samples} samples) against < {bound:g} ms",
                      endpoint=t.endpoint, metric=t.metric, estimate=i.estimate,
                      confidence=i.confidence, low=i.low, high=i.high, samples=i.samples,
                      bound=t.bound)


def _combined(verdicts: Sequence[Verdict]) -> Verdict:
    if not verdicts:
        return Verdict.NOT_APPLICABLE
    if Verdict.FAIL in verdicts:
        return Verdict.FAIL
    return Verdict.PASS if all(v is Verdict.PASS for v in verdicts) else Verdict.INCONCLUSIVE


def slo_requirement(rid: str, results: Sequence[ThresholdResult], evidence: dict[str, Any],
                    saturated: bool) -> RequirementResult:
    """L-01 (latency thresholds) or L-02 (error-ratio thresholds)."""
    mine = [r for r in results if r.threshold.requirement == rid]
    verdict = _combined([r.verdict for r in mine])
    judged = [Message.of("load.threshold.judged", "{threshold}: {verdict}",
                         threshold=_describe(r), verdict=r.verdict.value) for r in mine]
    lines = "; ".join(m.text for m in judged)
    summary = Message.of("load.slo", "{lines}", lines=lines or "no threshold in the profile",
                         thresholds=judged or [Message.of("load.no_threshold",
                                                          "no threshold in the profile")])
    if rid == "L-01" and saturated and verdict is Verdict.FAIL:
        verdict = Verdict.INCONCLUSIVE
        summary = Message.of("load.generator_saturated",
                             "the load generator was saturated, so slow answers may be its own"
                             " delay: {lines}", lines=lines, thresholds=judged)
    findings = tuple(
        Finding(Severity.HIGH, Message.of("load.threshold_failed", "{text}",
                                          text=_describe(r).text, threshold=_describe(r)),
                REMEDIATION[rid], {"threshold": r.to_dict()})
        for r in mine if r.verdict is Verdict.FAIL and verdict is Verdict.FAIL
    )
    measurements = tuple(
        Measurement(f"{r.threshold.endpoint} {r.threshold.metric}{suffix}", value,
                    "ms" if r.threshold.percentile is not None else "1")
        for r in mine
        for suffix, value in (("", r.interval.estimate), (" ci low", r.interval.low),
                              (" ci high", r.interval.high))
    )
    return RequirementResult.of(rid, verdict, summary, measurements=measurements,
                                findings=findings,
                                evidence={**evidence, "thresholds": [r.to_dict() for r in mine]})


def _counted(found: Mapping[str, int]) -> list[Message]:
    """Each kind of violation with its count, as messages a report can translate."""
    return [Message.of("load.violation_count", "{count} {kind}", count=v, kind=k)
            for k, v in found.items()]


def _violation_findings(rid: str, rec: Reconciliation) -> tuple[Finding, ...]:
    return tuple(
        Finding(Severity.CRITICAL,
                Message.of("load.violation", "{count} {kind} deposit(s) in the ledger check",
                           count=count, kind=kind),
                REMEDIATION[rid], {"kind": kind, "examples": list(rec.examples.get(kind, []))})
        for kind, count in rec.violations.items() if count
    )


def _counts(rec: Reconciliation) -> tuple[Measurement, ...]:
    return (Measurement("acknowledged deposits", rec.acknowledged, "1"),
            Measurement("ledger entries", rec.ledger, "1"),
            Measurement("unknown outcomes", rec.unknown_keys, "1"),
            Measurement("violations", sum(rec.violations.values()), "1"))


def integrity(rec: Reconciliation, evidence: dict[str, Any]) -> RequirementResult:
    """L-03: nothing lost, duplicated or accepted from a non-entitled applicant under load."""
    found = {k: v for k, v in rec.violations.items() if v}
    if found:
        summary = Message.of("load.reconcile_failed", "the ledger disagrees with the clients:"
                             " {found}", found=", ".join(f"{v} {k}" for k, v in found.items()),
                             violations=_counted(found))
        return RequirementResult.of("L-03", Verdict.FAIL, summary, measurements=_counts(rec),
                                    findings=_violation_findings("L-03", rec), evidence=evidence)
    if rec.acknowledged == 0:
        summary = Message.of("load.nothing_acknowledged",
                             "no deposit was acknowledged during the rush, so nothing could be"
                             " reconciled")
        return RequirementResult.of("L-03", Verdict.INCONCLUSIVE, summary,
                                    measurements=_counts(rec), evidence=evidence)
    summary = Message.of("load.reconciled", "{ack} acknowledged deposits, {ledger} in the"
                         " ledger (bounds {low}..{high}), {attempts} attempts: no violation",
                         ack=rec.acknowledged, ledger=rec.ledger, low=rec.acknowledged,
                         high=rec.acknowledged + rec.unknown_keys, attempts=rec.attempts)
    return RequirementResult.of("L-03", Verdict.PASS, summary, measurements=_counts(rec),
                                evidence=evidence)


def durability(rec: Reconciliation | None, crash: dict[str, Any], evidence: dict[str, Any]
               ) -> RequirementResult:
    """L-04: after the kill and restart, every acknowledged deposit is still in the ledger."""
    evidence = {**evidence, "crash": crash}
    if not crash.get("triggered"):
        summary = Message.of("load.crash_missed", "the rush ended before the crash point, so no"
                             " crash happened mid-rush")
        return RequirementResult.of("L-04", Verdict.INCONCLUSIVE, summary, evidence=evidence)
    if crash.get("restart_failed") or not crash.get("came_back") or rec is None:
        summary = Message.of("load.no_comeback", "the system was not restarted and answering"
                             " /healthz in time: {problem}",
                             problem=crash.get("problem") or "no answer within the timeout")
        return RequirementResult.of("L-04", Verdict.INCONCLUSIVE, summary, evidence=evidence)
    if not rec.ok:
        found = ", ".join(f"{v} {k}" for k, v in rec.violations.items() if v)
        summary = Message.of("load.crash_lost", "after the crash the ledger disagrees with the"
                             " clients: {found}", found=found,
                             violations=_counted({k: v for k, v in rec.violations.items() if v}))
        return RequirementResult.of("L-04", Verdict.FAIL, summary, measurements=_counts(rec),
                                    findings=_violation_findings("L-04", rec), evidence=evidence)
    summary = Message.of("load.crash_survived", "killed after {before} acknowledged deposits,"
                         " back in {down:.1f} s; all {ack} acknowledged deposits are in the"
                         " ledger", before=crash.get("acknowledged_before", 0),
                         down=float(crash.get("down_s", 0.0)), ack=rec.acknowledged)
    return RequirementResult.of("L-04", Verdict.PASS, summary, measurements=_counts(rec),
                                evidence=evidence)


def not_assessed(rid: str, verdict: Verdict, message: Message,
                 evidence: dict[str, Any] | None = None) -> RequirementResult:
    return RequirementResult.of(rid, verdict, message, evidence=evidence or {})
