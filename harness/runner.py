"""Running one suite so that nothing it does can stop the run.

``run_suite`` is what ``harness <suite>`` and ``harness certify`` call for each suite: a suite that
raises leaves each of its requirements INCONCLUSIVE with the reason and the exception type in the
evidence, a requirement the suite forgot becomes INCONCLUSIVE too, a requirement the profile does
not assess (``assess``) is NOT_APPLICABLE whatever the suite made of it, and the event sink hears
every verdict.
"""

from __future__ import annotations

import traceback
from typing import Any

from harness.events import EventSink
from harness.profiles import Profile
from harness.results import Message, RequirementResult, SuiteResult
from harness.seeds import RunSeed, utc_now
from harness.suites import Suite
from harness.verdict import Verdict

__all__ = ["crashed_result", "run_suite"]


def run_suite(
    suite: Suite, target: Any, profile: Profile, seed: RunSeed, events: EventSink
) -> SuiteResult:
    """Run ``suite`` and return its result; exceptions become INCONCLUSIVE verdicts."""
    started = utc_now()
    events.suite_started(suite.name, suite.requirement_ids)
    try:
        if not any(profile.assesses(rid) for rid in suite.requirement_ids):
            result = SuiteResult(suite.name, (), started, utc_now(), {})  # nothing to assess
        else:
            result = suite.run(target, profile, seed, events)
        result = _complete(suite, result)
    except Exception as exc:  # noqa: BLE001 - the runner's whole point: no crash escapes
        result = crashed_result(suite.name, suite.requirement_ids, exc, started)
    result = _within_assessment(result, profile)
    for requirement in result.requirements:
        events.requirement(requirement)
    events.suite_finished(result)
    return result


def crashed_result(
    suite: str, requirement_ids: tuple[str, ...], exc: BaseException, started: str
) -> SuiteResult:
    """The result of a suite that raised: every requirement INCONCLUSIVE, the error recorded."""
    error = {
        "type": type(exc).__name__,
        "reason": str(exc),
        "where": [
            f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
            for frame in traceback.extract_tb(exc.__traceback__)[-5:]
        ],
    }
    summary = Message.of(
        "suite.crashed",
        "not assessed: the {suite} suite stopped with {error_type}: {reason}",
        suite=suite, error_type=error["type"], reason=error["reason"] or "(no message)",
    )
    requirements = tuple(
        RequirementResult.of(rid, Verdict.INCONCLUSIVE, summary, evidence={"error": error})
        for rid in requirement_ids
    )
    return SuiteResult(suite, requirements, started, utc_now(), {"error": error})


def _within_assessment(result: SuiteResult, profile: Profile) -> SuiteResult:
    """Requirements the profile does not assess become NOT_APPLICABLE, saying which it does."""
    if all(profile.assesses(r.id) for r in result.requirements):
        return result
    skipped = Message.of(
        "suite.not_in_assessment",
        "not assessed: this run's profile assesses only {assessed}",
        assessed=", ".join(profile.assess),
    )
    ordered = tuple(
        r if profile.assesses(r.id) else RequirementResult.of(r.id, Verdict.NOT_APPLICABLE, skipped)
        for r in result.requirements
    )
    return SuiteResult(
        result.suite, ordered, result.started_at, result.finished_at, result.evidence
    )


def _complete(suite: Suite, result: SuiteResult) -> SuiteResult:
    """Keep the suite's own requirements, in catalogue order; a missing one is INCONCLUSIVE."""
    if not isinstance(result, SuiteResult):
        raise TypeError(f"the {suite.name} suite returned {type(result).__name__}, not SuiteResult")
    given = {r.id: r for r in result.requirements}
    stray = sorted(set(given) - set(suite.requirement_ids))
    if stray:
        raise ValueError(f"the {suite.name} suite reported requirements it does not own: {stray}")
    missing = Message.of(
        "suite.requirement_missing", "not assessed: the {suite} suite gave no verdict",
        suite=suite.name,
    )
    ordered = tuple(
        given.get(rid) or RequirementResult.of(rid, Verdict.INCONCLUSIVE, missing)
        for rid in suite.requirement_ids
    )
    return SuiteResult(
        result.suite, ordered, result.started_at, result.finished_at, result.evidence
    )
