"""harness invariants: the suite command writes evidence.json and report.json and exits by the
verdict; option mistakes are one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main

PROFILE = """\
extends: quick
invariants:
  lifecycle_examples: 6
  machine_examples: 3
  machine_steps: 10
  min_completed_examples: 5
"""


@pytest.mark.slow
def test_the_reference_passes_and_the_output_folder_holds_the_evidence(tmp_path: Path) -> None:
    profile = tmp_path / "small.yaml"
    profile.write_text(PROFILE)
    out = tmp_path / "out"
    code = main(["invariants", "--target", "reference", "--profile", str(profile),
                 "--seed", "3c" * 32, "--out", str(out)])
    report = json.loads((out / "report.json").read_text())
    evidence = json.loads((out / "evidence.json").read_text())
    assert code == 0 and report["verdict"] == "PASS" and report["scope"] == "invariants"
    assert [r["id"] for r in report["requirements"]] == [f"I-0{i}" for i in range(1, 7)]
    (suite,) = evidence["suites"]
    assert suite["evidence"]["requests"]["requests"] > 0
    assert evidence["profile"]["sections"]["invariants"]["lifecycle_examples"] == 6


def test_an_unknown_key_of_the_section_names_the_nearest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "typo.yaml"
    profile.write_text("invariants:\n  lifecycle_example: 3\n")
    assert main(["invariants", "--target", "reference", "--profile", str(profile)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'lifecycle_examples'?" in err


def test_a_section_value_out_of_range_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "zero.yaml"
    profile.write_text("invariants:\n  machine_examples: 0\n")
    assert main(["invariants", "--target", "reference", "--profile", str(profile)]) == 2
    assert "'invariants.machine_examples' is 0, out of range" in capsys.readouterr().err
