"""The load suite (L-01..L-04), registered as ``load``.

Order of work, all in one generator process (or one master with its workers): the /healthz
baseline (the generator's capacity in this run), the registration rush of a new round, its draw,
the results rush, the deposit rush and the ledger's reconciliation; then, when the harness can
restart the system, a second round whose deposit rush is cut by a kill and a restart (L-04).
A profile that does not assess L-01..L-03 skips the first round, one that does not assess L-04
the second (``assess``).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.catalogue import requirements_of
from harness.errors import TargetError
from harness.events import EventSink
from harness.load.crash import Crash, can_crash
from harness.load.generator import Generator, GeneratorError, Rush
from harness.load.outcome import (
    assess_thresholds,
    durability,
    integrity,
    not_assessed,
    slo_requirement,
)
from harness.load.plan import deposit_scripts, health_scripts, plan, results_scripts
from harness.load.reconcile import reconcile
from harness.load.rounds import PreparedRound, RoundProblem, prepare_round
from harness.load.settings import LoadSettings
from harness.load.throughput import bottleneck, rush_evidence
from harness.profiles import Profile
from harness.results import Message, RequirementResult, SuiteResult
from harness.seeds import RunSeed, utc_now
from harness.suites import SuiteTarget, register_suite
from harness.target import HttpTarget
from harness.verdict import Verdict

__all__ = ["run_load"]

_IDS = requirements_of("load")
_MAIN = ("L-01", "L-02", "L-03")  # judged on the first round's rushes
_PROBLEMS = (GeneratorError, TargetError, RoundProblem)


def _problem(exc: Exception) -> dict[str, Any]:
    evidence = exc.evidence() if isinstance(exc, TargetError) else {}
    return {"type": type(exc).__name__, "reason": str(exc), "exchange": evidence}


def _inconclusive(rids: tuple[str, ...], exc: Exception) -> dict[str, RequirementResult]:
    message = Message.of("load.not_assessed", "not assessed: {reason}", reason=str(exc))
    return {rid: not_assessed(rid, Verdict.INCONCLUSIVE, message, {"problem": _problem(exc)})
            for rid in rids}


def _deposit_round(client: HttpTarget, gen: Generator, settings: LoadSettings,
                   run_seed: RunSeed, events: EventSink) -> tuple[PreparedRound, list[Rush]]:
    prepared = prepare_round(client, gen, settings, settings.round, run_seed, "rush",
                             events.progress)
    readers = results_scripts(prepared.applicants, settings.results_readers,
                              run_seed.rng("load", "readers"))
    reading = gen.run(plan("results", client.base_url, prepared.round_id, settings, readers),
                      lambda m: events.progress("load: results rush", m["done"], m["total"]))
    scripts = deposit_scripts(prepared.applicants, settings, run_seed, "rush")
    paying = gen.run(plan("deposit", client.base_url, prepared.round_id, settings, scripts,
                          amount=settings.deposit_amount),
                     lambda m: events.progress("load: deposit rush", m["done"], m["total"]))
    return prepared, [prepared.registration, reading, paying]


def _main_rushes(client: HttpTarget, gen: Generator, settings: LoadSettings, run_seed: RunSeed,
                 events: EventSink) -> tuple[dict[str, RequirementResult], dict[str, Any]]:
    baseline = gen.run(plan("healthz", client.base_url, None, settings, health_scripts(settings)))
    prepared, rushes = _deposit_round(client, gen, settings, run_seed, events)
    ledger = client.ledger(prepared.round_id)
    rec = reconcile(rushes[-1].attempts, ledger, prepared.entitled, settings.max_examples)
    generator = bottleneck(baseline, rushes, settings)
    evidence = {
        "round": {"round_id": prepared.round_id, "registered": len(prepared.applicants),
                  "entitled": len(prepared.entitled)},
        "generator": generator,
        "rushes": {r.phase: rush_evidence(r) for r in [baseline, *rushes]},
    }
    thresholds = assess_thresholds(rushes, settings, run_seed.rng("load", "bootstrap"))
    shared = {"generator": generator}
    results = {
        "L-01": slo_requirement("L-01", thresholds, shared, generator["saturated"]),
        "L-02": slo_requirement("L-02", thresholds, shared, generator["saturated"]),
        "L-03": integrity(rec, {"reconciliation": rec.to_dict(),
                                "round_id": prepared.round_id}),
    }
    return results, evidence


def _crash_round(target: SuiteTarget, client: HttpTarget, gen: Generator,
                 settings: LoadSettings, run_seed: RunSeed, events: EventSink
                 ) -> tuple[RequirementResult, dict[str, Any]]:
    crash_settings = settings.crash
    prepared = prepare_round(client, gen, settings, crash_settings.round, run_seed, "crash",
                             events.progress)
    scripts = deposit_scripts(prepared.applicants, settings, run_seed, "crash")
    rush_plan = plan("crash", client.base_url, prepared.round_id, settings, scripts,
                     amount=settings.deposit_amount)
    rush_plan.update(arrival_rate=len(scripts) / crash_settings.rush_seconds,
                     duration=settings.duration + crash_settings.restart_timeout)
    crash = Crash(target, crash_settings.restart_timeout)
    point = max(1, math.ceil(crash_settings.at_fraction * len(prepared.entitled)))

    def follow(message: dict[str, Any]) -> None:
        events.progress("load: crash rush", message["done"], message["total"])
        if message["acknowledged"] >= point:
            crash.trigger(int(message["acknowledged"]))

    rush = gen.run(rush_plan, follow)
    record = crash.wait()
    rec = None
    if record.get("came_back") and not record.get("restart_failed"):
        rec = reconcile(rush.attempts, client.ledger(prepared.round_id), prepared.entitled,
                        settings.max_examples)
    evidence = {"round_id": prepared.round_id, "crash_point_acknowledged": point,
                "reconciliation": rec.to_dict() if rec else None}
    return durability(rec, record, evidence), {"crash": rush_evidence(rush)}


def _run(target: SuiteTarget, settings: LoadSettings, run_seed: RunSeed, events: EventSink,
         workdir: Path, wanted: Callable[[str], bool]
         ) -> tuple[dict[str, RequirementResult], dict[str, Any]]:
    results: dict[str, RequirementResult] = {}
    evidence: dict[str, Any] = {"workers": settings.expect_workers}
    client = HttpTarget(target.base_url, target.admin_token, deadline=settings.operator_timeout)
    try:
        with Generator(workdir, expect_workers=settings.expect_workers,
                       bind_host=settings.master_host, bind_port=settings.master_port,
                       workers_timeout=settings.workers_timeout) as gen:
            if not can_crash(target):
                message = Message.of("load.no_restart", "not assessed: the harness neither"
                                     " controls the system's process nor has --restart-cmd")
                results["L-04"] = not_assessed("L-04", Verdict.NOT_APPLICABLE, message)
            if any(wanted(rid) for rid in _MAIN):
                main, evidence_main = _main_rushes(client, gen, settings, run_seed, events)
                results.update(main)
                evidence.update(evidence_main)
            if "L-04" not in results and wanted("L-04"):
                results["L-04"], extra = _crash_round(target, client, gen, settings, run_seed,
                                                      events)
                evidence.setdefault("rushes", {}).update(extra)
    except _PROBLEMS as exc:
        evidence["problem"] = _problem(exc)
        results = {**_inconclusive(_IDS, exc), **results}
    finally:
        client.close()
    return results, evidence


@register_suite("load", _IDS, LoadSettings)
def run_load(target: SuiteTarget, profile: Profile, run_seed: RunSeed, events: EventSink
             ) -> SuiteResult:
    """L-01..L-04 against ``target`` with ``profile``'s load section."""
    settings: LoadSettings = profile.section("load")
    started = utc_now()
    workdir = Path(tempfile.mkdtemp(prefix="harness-load-"))
    try:
        results, evidence = _run(target, settings, run_seed, events, workdir, profile.assesses)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return SuiteResult("load", tuple(results[rid] for rid in _IDS if rid in results), started,
                       utc_now(), evidence)
