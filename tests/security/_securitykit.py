"""Helpers for the security-suite tests: a small profile and running ``harness security``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.cli import main

# Sizes for seconds per run; the decision rules are the profile's own.
SMALL = """\
extends: quick
name: test-small
security:
  token_samples: 120
  lab_seed_samples: 120
  real_rounds: 1
  random_seed_bound: 256
  fuzz_examples: 3
  fuzz_time_budget: %(fuzz)s
  request_deadline: %(deadline)s
"""


def small_profile(directory: Path, *, fuzz: float = 30.0, deadline: float = 15.0) -> str:
    path = directory / "small.yaml"
    path.write_text(SMALL % {"fuzz": fuzz, "deadline": deadline})
    return str(path)


def run_security(argv: list[str], out: Path) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Exit code, report.json and evidence.json of ``harness security ARGV --out OUT``."""
    code = main(["security", *argv, "--out", str(out)])
    report = json.loads((out / "report.json").read_text())
    evidence = json.loads((out / "evidence.json").read_text())
    return code, report, evidence


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {item["id"]: item["verdict"] for item in report["requirements"]}
