"""The fairness suite (F-01..F-07), registered as ``fairness``.

Order of work: probe lab mode; pull F-07's bytes and leave the battery running in another
process; register each lab population and analyse its practice draws (F-01..F-05); run the real
rounds and replay them (F-06); collect F-07. Without lab mode F-01..F-05 and F-07 are
INCONCLUSIVE with the reason, and F-06 still runs on real rounds. A part whose requirements the
profile does not assess (``assess``) is not run: no battery without F-07, no population without
F-01..F-05, no real rounds without F-06.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness.catalogue import requirements_of
from harness.errors import TargetError
from harness.events import EventSink
from harness.fairness.analysis import analyse_samples, decision_rule
from harness.fairness.enrolment import error_evidence
from harness.fairness.lab_population import PopulationRun, run_population
from harness.fairness.outcome import REMEDIATION, analysis_result, not_assessed
from harness.fairness.randomness import RandomnessJob
from harness.fairness.replay_rounds import assess_replays
from harness.fairness.settings import FairnessSettings
from harness.profiles import Profile
from harness.results import Finding, Message, RequirementResult, Severity, SuiteResult
from harness.seeds import RunSeed, utc_now
from harness.suites import SuiteTarget, register_suite
from harness.target import HttpTarget
from harness.verdict import Verdict

__all__ = ["run_fairness"]

UNIFORMITY = ("F-01", "F-02", "F-03", "F-04", "F-05")


def _lab_mode(client: HttpTarget) -> tuple[bool | None, dict[str, Any] | None]:
    """True when the lab endpoints answer, False on the contract's 404, None if unclear."""
    try:
        client.lab_server_seeds(1)
    except TargetError as exc:
        if getattr(exc, "status", None) == 404:
            return False, None
        return None, error_evidence(exc)
    return True, None


def _without_lab(lab: bool | None, probe_error: dict[str, Any] | None) -> dict[str, Any]:
    if lab is False:
        message = Message.of("fairness.no_lab",
                             "not assessed: lab mode is off (the lab endpoints answer 404), so"
                             " the harness cannot ask for practice draws or random bytes")
        return {rid: not_assessed(rid, message, {"lab_mode": False})
                for rid in (*UNIFORMITY, "F-07")}
    message = Message.of("fairness.lab_probe_failed",
                         "not assessed: the lab endpoint did not answer as the contract requires"
                         " ({reason})", reason=(probe_error or {}).get("message", ""))
    return {rid: not_assessed(rid, message, {"lab_probe": probe_error})
            for rid in (*UNIFORMITY, "F-07")}


def _brief(run: PopulationRun) -> dict[str, Any]:
    """A population's evidence without its registered list (that is kept once, suite-wide)."""
    return {key: value for key, value in run.evidence.items() if key != "registered"}


def _problem_results(runs: list[PopulationRun]) -> dict[str, RequirementResult] | None:
    """When a population could not be analysed, F-01..F-05 say why (F-01 may FAIL)."""
    broken = [run for run in runs if run.problem is not None]
    if not broken:
        return None
    worst = next((r for r in broken if r.problem_verdict is Verdict.FAIL), broken[0])
    evidence = {"populations": {run.label: _brief(run) for run in runs}}
    message = Message.of("fairness.population_problem", "{population}: {problem}",
                         population=worst.label, problem=worst.problem)
    results = {rid: not_assessed(rid, message, evidence) for rid in UNIFORMITY}
    if worst.problem_verdict is Verdict.FAIL:
        finding = Finding(Severity.HIGH, message, REMEDIATION["F-01"], _brief(worst))
        results["F-01"] = RequirementResult.of("F-01", Verdict.FAIL, message,
                                               findings=(finding,), evidence=evidence)
    return results


def _uniformity(runs: list[PopulationRun], settings: FairnessSettings, run_seed: RunSeed,
                timing: dict[str, Any]) -> dict[str, RequirementResult]:
    """F-01..F-05 over every population's sample, one Holm family at the profile's alpha."""
    problems = _problem_results(runs)
    if problems is not None:
        return problems
    # With one population its tests keep their plain names; several are told apart by label.
    samples = {("" if len(runs) == 1 else run.label): run.sample
               for run in runs if run.sample is not None}
    seed = int.from_bytes(run_seed.derive("fairness", "analysis")[:8], "big")
    began = time.perf_counter()
    analyses = analyse_samples(samples, settings.statistics, seed)
    timing["analysis_s"] = time.perf_counter() - began
    rule = {**decision_rule(settings.statistics), "populations": list(samples) or [""]}
    rounds = {run.label: run.evidence.get("round_id") for run in runs}
    return {
        rid: analysis_result(rid, analyses[rid], settings.statistics.alpha,
                             {"decision_rule": rule, "population_rounds": rounds})
        for rid in UNIFORMITY
    }


def _contained(requirement_ids: tuple[str, ...], part: Callable[[], dict[str, RequirementResult]]
               ) -> dict[str, RequirementResult]:
    """Run one part of the suite; a bug in it leaves only its own requirements INCONCLUSIVE
    (a FAIL found by another part must not be lost to it)."""
    try:
        return part()
    except Exception as exc:  # noqa: BLE001 - contained here, recorded as evidence
        error = {"type": type(exc).__name__, "reason": str(exc)}
        message = Message.of("fairness.part_crashed",
                             "not assessed: this part of the fairness suite stopped with"
                             " {error_type}: {reason}", error_type=error["type"],
                             reason=error["reason"] or "(no message)")
        return {rid: not_assessed(rid, message, {"error": error}) for rid in requirement_ids}


@register_suite("fairness", requirements_of("fairness"), FairnessSettings)
def run_fairness(target: SuiteTarget, profile: Profile, run_seed: RunSeed, events: EventSink
                 ) -> SuiteResult:
    """F-01..F-07 against ``target`` with ``profile``'s fairness section."""
    settings: FairnessSettings = profile.section("fairness")
    started, began = utc_now(), time.perf_counter()
    client = HttpTarget(target.base_url, target.admin_token, deadline=settings.request_deadline)
    public = HttpTarget(target.base_url, None, deadline=settings.request_deadline)
    job = RandomnessJob(settings, run_seed)
    timing: dict[str, Any] = {}
    populations: dict[str, Any] = {}

    def start_battery() -> dict[str, RequirementResult]:
        job.start(client, public, events.progress)
        return {}  # F-07's verdict comes with job.finish

    def uniformity() -> dict[str, RequirementResult]:
        runs = [run_population(client, public, run_seed, i, spec, settings, events.progress)
                for i, spec in enumerate(settings.populations)]
        timing["populations"] = {run.label: run.timing for run in runs}
        populations.update({run.label: run.evidence for run in runs})
        return _uniformity(runs, settings, run_seed, timing)

    wanted = profile.assesses
    try:
        lab, probe_error = _lab_mode(client)
        results = _without_lab(lab, probe_error) if not lab else {}
        if lab and wanted("F-07"):
            results.update(_contained(("F-07",), start_battery))
        if lab and any(wanted(rid) for rid in UNIFORMITY):
            results.update(_contained(UNIFORMITY, uniformity))
        if wanted("F-06"):
            results.update(_contained(("F-06",), lambda: {"F-06": assess_replays(
                client, public, run_seed, settings, bool(lab), events.progress)}))
        if lab and wanted("F-07") and "F-07" not in results:
            results.update(_contained(("F-07",), lambda: {"F-07": job.finish(events.progress)}))
            timing["f07"] = job.timing
    finally:
        job.close()
        client.close()
        public.close()
    timing["suite_s"] = time.perf_counter() - began
    evidence = {"lab_mode": lab, "timing": timing, "populations": populations}
    return SuiteResult("fairness", tuple(results[rid] for rid in requirements_of("fairness")
                                        if rid in results), started, utc_now(), evidence)
