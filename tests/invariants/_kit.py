"""Running the invariant suite in tests: small settings, a profile holding them, verdicts."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType
from typing import Any

from harness.events import RecordingSink
from harness.invariants.settings import InvariantSettings
from harness.invariants.suite import run_invariants
from harness.profiles import Profile
from harness.results import SuiteResult
from harness.seeds import RunSeed
from harness.suites import SuiteTarget

SEED = "1e" * 32

# Enough for every defect to show in a crowd example whatever the draw (see test_defects.py).
SMALL = InvariantSettings(
    lifecycle_examples=14, machine_examples=5, machine_steps=15, max_people=8, max_slots=4,
    lifecycle_time_bound=120, machine_time_bound=120, shrink_time_bound=20,
    min_completed_examples=5, request_deadline=10, transient_retries=2, retry_after_cap=0.5,
)


def settings(**changes: Any) -> InvariantSettings:
    return dataclasses.replace(SMALL, **changes)


def run(base_url: str, token: str, chosen: InvariantSettings = SMALL, seed: str = SEED
        ) -> SuiteResult:
    """The suite against a URL, as ``harness invariants`` calls it, with ``chosen`` settings."""
    profile = Profile("test", None, "test", "", "", 0.02, (), (),
                      MappingProxyType({"invariants": chosen}))
    target = SuiteTarget("test", base_url, token)
    return run_invariants(target, profile, RunSeed.parse(seed), RecordingSink())


def verdicts(result: SuiteResult) -> dict[str, str]:
    return {r.id: r.verdict.value for r in result.requirements}


def as_json(result: SuiteResult) -> str:
    return json.dumps(result.to_dict())
