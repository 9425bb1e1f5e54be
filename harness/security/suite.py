"""The security suite (S-01..S-09), registered as ``security``.

Each requirement has one registered check (``harness.security.probes``); this module runs them
in a fixed order within the profile's time budget and judges each report by the one rule of
``harness.security.findings``. S-09 (static, no network) runs first; S-07 runs last because it
also reviews every error response the other checks provoked. A target that stops answering, answers
too slowly or answers garbage turns the affected requirement INCONCLUSIVE with the exchange that
failed (or FAIL, when the check had already proved a failing finding). Checks of requirements the
profile does not assess (``assess``) are not run.
"""

from __future__ import annotations

import time
from typing import Any

from harness.catalogue import requirements_of
from harness.errors import TargetError
from harness.events import EventSink
from harness.profiles import Profile
from harness.results import Message, RequirementResult, SuiteResult
from harness.security.context import ForeignRound, ProbeContext
from harness.security.findings import judge
from harness.security.registry import Check, ProbeReport, registered_checks
from harness.security.settings import SecuritySettings
from harness.seeds import RunSeed, utc_now
from harness.suites import SuiteTarget, register_suite

__all__ = ["ORDER", "run_security"]

ORDER = ("S-09", "S-01", "S-02", "S-03", "S-04", "S-05", "S-06", "S-08", "S-07")


def _run_check(check: Check | None, ctx: ProbeContext, rid: str) -> RequirementResult:
    report = ProbeReport(rid)
    if check is None:
        report.inconclusive = Message.of("security.no_check",
                                         "not assessed: no check is registered for {rid}", rid=rid)
        return judge(report)
    if ctx.remaining() <= 0:
        report.inconclusive = Message.of(
            "security.out_of_time",
            "not assessed: the suite's time budget ({budget:g} s) ran out before this check",
            budget=ctx.settings.time_budget)
        return judge(report)
    try:
        check.run(ctx, report)
    except TargetError as exc:
        report.evidence["target_error"] = exc.evidence()
        report.inconclusive = Message.of(
            "security.target_failed",
            "not assessed: the target did not answer as the contract requires ({reason})",
            reason=str(exc))
    except ForeignRound:
        raise  # a bug of the harness: stop rather than touch a round that is not ours
    except Exception as exc:  # noqa: BLE001 - one check's crash must not stop the others
        report.evidence["error"] = {"type": type(exc).__name__, "reason": str(exc)[:500]}
        report.inconclusive = Message.of(
            "security.check_crashed", "not assessed: the {name} check stopped with {error}",
            name=check.name, error=f"{type(exc).__name__}: {str(exc)[:200]}")
    return judge(report)


@register_suite("security", requirements_of("security"), SecuritySettings)
def run_security(target: SuiteTarget, profile: Profile, run_seed: RunSeed, events: EventSink
                 ) -> SuiteResult:
    """S-01..S-09 against ``target`` with ``profile``'s security section."""
    settings: SecuritySettings = profile.section("security")
    started, began = utc_now(), time.monotonic()
    ctx = ProbeContext.open(target, settings, run_seed, began + settings.time_budget,
                            events.progress)
    checks = registered_checks()
    results: dict[str, RequirementResult] = {}
    timing: dict[str, Any] = {}
    try:
        for rid in (rid for rid in ORDER if profile.assesses(rid)):
            at = time.monotonic()
            results[rid] = _run_check(checks.get(rid), ctx, rid)
            timing[rid] = round(time.monotonic() - at, 3)
    finally:
        ctx.close()
    timing["suite_s"] = round(time.monotonic() - began, 3)
    evidence = {"timing": timing, "requests": len(ctx.recorder.log),
                "own_round_prefix": ctx.own_prefix}
    return SuiteResult("security", tuple(results[rid] for rid in requirements_of("security")
                                         if rid in results), started, utc_now(), evidence)
