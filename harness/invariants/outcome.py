"""From what the property tests saw to a verdict per requirement (I-01..I-06).

FAIL: some example broke the requirement; the finding carries the failing example with the fewest
requests (shrunk, unless the run stopped at its first FAIL or no smaller one failed), its requests
and answers (tokens redacted) and a curl script that replays it, and says whether hypothesis's
final replay failed again. INCONCLUSIVE: the requirement was never judged, a request it judges got
no judgeable answer (none, a 5xx other than the contract's 503, or 503/408 after every retry:
counted, never a failure), or fewer examples completed than the profile requires. PASS otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from harness.invariants.curl import render_curl
from harness.invariants.engine import Captured, Engine
from harness.invariants.settings import InvariantSettings
from harness.invariants.violations import REQUIREMENTS
from harness.jsonable import jsonable
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.verdict import Verdict

__all__ = ["REMEDIATION", "requirement_results"]

_SEVERITY = {"I-01": Severity.HIGH, "I-02": Severity.CRITICAL, "I-03": Severity.CRITICAL,
             "I-04": Severity.HIGH, "I-05": Severity.HIGH, "I-06": Severity.HIGH}

REMEDIATION: Mapping[str, Message] = MappingProxyType({
    "I-01": Message.of("invariants.fix.I-01",
                       "freeze exactly the registrations acknowledged with 201; draw disjoint"
                       " primary and reserve lists of min(K, E) and min(R, E - K) eligible ids"),
    "I-02": Message.of("invariants.fix.I-02",
                       "derive every applicant's /me from the published results, promotions and"
                       " deposits with the contract's table; a reserve must be told they are a"
                       " reserve"),
    "I-03": Message.of("invariants.fix.I-03",
                       "decide deposits in the contract's order (idempotency, window, entitlement,"
                       " previous winner, exact amount) and record each acknowledged one once"),
    "I-04": Message.of("invariants.fix.I-04",
                       "on closing the window forfeit every unpaid primary and promote that many"
                       " reserves in rank order, skipping none; refuse forfeited applicants"),
    "I-05": Message.of("invariants.fix.I-05",
                       "store the results once at the draw and serve them unchanged; keep the"
                       " audit chain append-only and hash exactly what is served"),
    "I-06": Message.of("invariants.fix.I-06",
                       "refuse invalid national ids, a second registration of a person in a round"
                       " and anyone holding a deposit in another round, in the contract's order"),
})


def _message(captured: Captured) -> Message:
    v = captured.violation
    return Message(v.message_id, MappingProxyType(jsonable(v.params)), v.text)


def _note(is_first: bool, replayed: bool, reproduced: bool, cut: bool) -> str | None:
    """Why the example shown is not simply hypothesis's shrunk final replay, if it is not."""
    if not reproduced:
        return ("the replay of the shrunk example did not fail again: reported from "
                + ("the first failing example, unshrunk" if is_first else
                   "the failing example with the fewest requests"))
    if cut:
        return ("the run assesses only some requirements and stopped once each had failed: the"
                " example was replayed and failed again, but not shrunk")
    if is_first:
        return "shrinking found no failing example with fewer requests than the first"
    if not replayed:
        return ("hypothesis's final replay failed again; this example, seen failing while"
                " shrinking, sends fewer requests")
    return None


def _failure(rid: str, engine: Engine) -> RequirementResult:
    found = engine.found[rid]
    shown, first = found.fewest, found.first
    if shown is None or first is None:  # a failure is always captured before it is counted
        raise ValueError(f"{rid} counted a failure without capturing it")
    rounds = list(shown.example.world.rounds)
    cut = engine.done  # the run stopped at its first FAIL: hypothesis only replayed the example
    reproduced = bool(found.finals)
    shrunk = shown is not first and not cut
    title = f"the {'shrunk' if shrunk else 'first (unshrunk)'} failing example of {rid}"
    evidence: dict[str, Any] = {
        "violation": shown.violation.to_dict(),
        "example": f"{shown.kind} {shown.number}",
        "shrunk": shrunk,
        "reproduced": reproduced,
        "requests": shown.trace.evidence(),
        "curl": render_curl(title, shown.trace, shown.example.people, rounds),
        "failing_examples": found.count,
        "first_failure": {"example": f"{first.kind} {first.number}", "requests": first.requests},
    }
    replayed = any(c is shown for c in found.finals)
    if found.finals and not replayed:
        final = min(found.finals, key=lambda c: c.requests)
        evidence["final_replay"] = {"example": f"{final.kind} {final.number}",
                                    "requests": final.requests}
    note = _note(shown is first, replayed, reproduced, cut)
    if note is not None:
        evidence["note"] = note
    message = _message(shown)
    finding = Finding(_SEVERITY[rid], message, REMEDIATION[rid], evidence)
    measurements = (
        Measurement("failing_examples", found.count, "1"),
        Measurement("example_requests", shown.requests, "1"),
        Measurement("first_failure_requests", first.requests, "1"),
        Measurement("judgements", engine.assessed[rid], "1"),
    )
    summary = Message.of("invariants.failed",
                         "{text} (example of {requests} requests{unshrunk})",
                         text=message.text, requests=shown.requests,
                         unshrunk="" if reproduced else ", not reproduced on replay",
                         violation=message, shrunk=shrunk)
    return RequirementResult.of(rid, Verdict.FAIL, summary, measurements=measurements,
                                findings=(finding,), evidence={"failure": evidence})


def requirement_results(engine: Engine, settings: InvariantSettings) -> list[RequirementResult]:
    """One result per requirement, from the engine's captures and counters."""
    completed = engine.stats["lifecycle_completed"] + engine.stats["machine_completed"]
    results = []
    for rid in REQUIREMENTS:
        if rid in engine.found:
            results.append(_failure(rid, engine))
            continue
        judged = engine.assessed[rid]
        measurements = (Measurement("judgements", judged, "1"),
                        Measurement("examples_completed", completed, "1"))
        evidence = {"interruptions": engine.interruptions} if engine.interruptions else {}
        if judged == 0:
            summary = Message.of("invariants.not_judged",
                                 "not assessed: no answer of the target was judged for {rid}",
                                 rid=rid)
        elif engine.trouble[rid]:
            summary = Message.of("invariants.target_failed",
                                 "not assessed: {count} request(s) this requirement judges got"
                                 " no answer that can be judged (none, a server error, or 503/408"
                                 " after every retry)", count=engine.trouble[rid])
        elif completed < settings.min_completed_examples:
            summary = Message.of("invariants.too_few_examples",
                                 "not assessed: {completed} examples completed, the profile"
                                 " requires {required}", completed=completed,
                                 required=settings.min_completed_examples)
        else:
            summary = Message.of("invariants.held",
                                 "held in {completed} examples ({judged} answers judged)",
                                 completed=completed, judged=judged)
            results.append(RequirementResult.of(rid, Verdict.PASS, summary,
                                                measurements=measurements, evidence=evidence))
            continue
        results.append(RequirementResult.of(rid, Verdict.INCONCLUSIVE, summary,
                                            measurements=measurements, evidence=evidence))
    return results

