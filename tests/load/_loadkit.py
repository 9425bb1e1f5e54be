"""Helpers of the load-suite tests: a small profile and running the suite on a target.

Thresholds sit far from both sides: the reference answers a deposit here in tens to a few
hundred milliseconds even on a loaded machine, the 200 ms-lock defect in seconds (30 clients
queue behind it); an error-ratio bound of 2% is over what a correct system shows (none) and far
under what the shedding defect shows at the quick profile's size (its own test).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.events import RecordingSink
from harness.launcher import LaunchedTarget
from harness.profiles import Profile, load_profile
from harness.results import SuiteResult
from harness.runner import run_suite
from harness.seeds import RunSeed
from harness.suites import SuiteTarget, get_suite

SEED = "1a" * 32

SMALL = """\
extends: quick
name: test-load
load:
  round: {applicants: 400, primary_slots: 120, reserve_slots: 40}
  thresholds: %(thresholds)s
  users: 30
  spawn_rate: 100
  baseline_seconds: 1
  results_readers: 0.25
  duration: 40
  behaviour: {impostors: 10}
  crash:
    round: {applicants: 150, primary_slots: 60, reserve_slots: 10}
    rush_seconds: 3
    restart_timeout: 60
"""


THRESHOLDS = ["deposit p95 < 2000 ms", "me p95 < 2000 ms", "deposit error_ratio < 2%"]


def small_profile(directory: Path, extra: str = "", thresholds: list[str] = THRESHOLDS
                  ) -> Profile:
    path = directory / "load-small.yaml"
    path.write_text(SMALL % {"thresholds": json.dumps(thresholds)} + extra)
    return load_profile(str(path))


def run_load(launched: LaunchedTarget, profile: Profile, *, crash: bool = True,
             restart_cmd: str | None = None) -> SuiteResult:
    """The load suite on a launched target; without ``crash`` the harness does not hold its
    process (as for a vendor's URL), so L-04 is not assessed."""
    target = SuiteTarget(launched.name, launched.base_url, launched.admin_token,
                         launched.source_dir, launched if crash else None, restart_cmd)
    return run_suite(get_suite("load"), target, profile, RunSeed.parse(SEED), RecordingSink())


def verdicts(result: SuiteResult) -> dict[str, str]:
    return {r.id: r.verdict.value for r in result.requirements}


def requirement(result: SuiteResult, rid: str) -> Any:
    return next(r for r in result.requirements if r.id == rid)
