"""The invariant suite (I-01..I-06), registered as ``invariants``.

Two property tests run one after the other against the target, both under hypothesis and seeded
from the run seed: whole rounds from creation to ``final`` (``lifecycle``), then the rule-based
state machine with its concurrent steps (``machine``). Every example works in rounds of its own,
named ``lab-<run part>-<l|m><number>-<letter>``, with national ids from its own block. A profile
that assesses only some of I-01..I-06 ends the run as soon as each of those has failed.
"""

from __future__ import annotations

import time
from typing import Any

from harness.catalogue import requirements_of
from harness.events import EventSink
from harness.invariants.engine import Engine, TestBudget
from harness.invariants.example import RunIds
from harness.invariants.outcome import requirement_results
from harness.invariants.settings import InvariantSettings
from harness.invariants.strategies import CROWD
from harness.invariants.violations import REQUIREMENTS
from harness.invariants.wire import Wire
from harness.profiles import Profile
from harness.results import SuiteResult
from harness.seeds import RunSeed, utc_now
from harness.suites import SuiteTarget, register_suite
from harness.target import HttpTarget

__all__ = ["build_engine", "run_invariants"]


def _number(run_seed: RunSeed, label: str, modulo: int) -> int:
    return int.from_bytes(run_seed.derive("invariants", label)[:8], "big") % modulo


def build_engine(
    client: HttpTarget, operator: str, settings: InvariantSettings, run_seed: RunSeed
) -> Engine:
    """The engine of one run: its wire to the target, its names and its hypothesis seed."""
    wire = Wire(client, retries=settings.transient_retries,
                retry_after_cap=settings.retry_after_cap, clones=client.clone)
    ids = RunIds(run_seed.round_id, _number(run_seed, "national-ids", 10**9),
                 max(settings.max_people, CROWD) + 1)
    return Engine(wire, operator, ids, _number(run_seed, "hypothesis", 2**63))


def run_engine(engine: Engine, settings: InvariantSettings) -> dict[str, float]:
    """Both property tests; the seconds each took."""
    timing: dict[str, float] = {}
    began = time.perf_counter()
    engine.lifecycle(TestBudget(settings.lifecycle_examples, settings.lifecycle_time_bound,
                                settings.shrink_time_bound),
                     settings.max_people, settings.max_slots)
    timing["lifecycle_s"] = round(time.perf_counter() - began, 3)
    if engine.done:  # every requirement the run assesses has already failed
        return timing
    began = time.perf_counter()
    engine.stateful(TestBudget(settings.machine_examples, settings.machine_time_bound,
                               settings.shrink_time_bound, settings.machine_steps),
                    settings.max_people, settings.max_slots)
    timing["machine_s"] = round(time.perf_counter() - began, 3)
    return timing


def _evidence(engine: Engine, timing: dict[str, float], run_seed: RunSeed) -> dict[str, Any]:
    return {
        "timing": timing,
        "requests": dict(engine.wire.counts),
        "examples": dict(sorted(engine.stats.items())),
        "judgements": dict(sorted(engine.assessed.items())),
        "interruptions": engine.interruptions,
        "hypothesis_seed": engine.seed,
        "round_prefix": f"lab-{run_seed.run_part}-",
    }


@register_suite("invariants", requirements_of("invariants"), InvariantSettings)
def run_invariants(target: SuiteTarget, profile: Profile, run_seed: RunSeed, events: EventSink
                   ) -> SuiteResult:
    """I-01..I-06 against ``target`` with ``profile``'s invariants section."""
    settings: InvariantSettings = profile.section("invariants")
    started = utc_now()
    with HttpTarget(target.base_url, target.admin_token,
                    deadline=settings.request_deadline) as client:
        engine = build_engine(client, target.admin_token, settings, run_seed)
        engine.progress = events.progress
        if profile.assess:
            engine.stop_after = frozenset(r for r in REQUIREMENTS if profile.assesses(r))
        timing = run_engine(engine, settings)
    results = requirement_results(engine, settings)
    return SuiteResult("invariants", tuple(results), started, utc_now(),
                       _evidence(engine, timing, run_seed))
