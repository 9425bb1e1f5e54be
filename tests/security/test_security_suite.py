"""``harness security`` end to end: both correct systems pass every check, each security defect
fails its own requirement over HTTP, and the output folder holds a valid results.sarif."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _securitykit import run_security, small_profile, verdicts
from jsonschema import Draft4Validator

from targets.faulty import DEFECTS

pytestmark = pytest.mark.slow
SEED = "5e" * 32
_SCHEMA = Path(__file__).resolve().parents[1] / "report" / "data" / "sarif-schema-2.1.0.json"
SECURITY_DEFECTS = sorted(name for name, d in DEFECTS.items()
                          if any(rid.startswith("S-") for rid in d.must_fail))


@pytest.mark.parametrize("target", ["reference", "alternative"])
def test_correct_systems_pass_every_check(target: str, tmp_path: Path) -> None:
    code, report, evidence = run_security(
        ["--target", target, "--profile", small_profile(tmp_path), "--seed", SEED],
        tmp_path / "out")
    assert verdicts(report) == {f"S-0{i}": "PASS" for i in range(1, 10)}, report
    assert code == 0
    sarif = json.loads((tmp_path / "out" / "results.sarif").read_text())
    assert list(Draft4Validator(json.loads(_SCHEMA.read_text())).iter_errors(sarif)) == []
    fuzz = {m["name"]: m["value"] for m in evidence["suites"][0]["requirements"][7]
            ["measurements"]}
    assert fuzz["coverage_sent"] > 300 and fuzz["server_errors"] == 0


def test_every_security_defect_has_a_modifier() -> None:
    covered = {rid for name in SECURITY_DEFECTS for rid in DEFECTS[name].must_fail}
    assert covered == {f"S-0{i}" for i in range(1, 10)}


@pytest.mark.parametrize("defect", SECURITY_DEFECTS)
def test_defect_fails_its_requirement(defect: str, tmp_path: Path) -> None:
    """Each run assesses only the defect's own requirements, as harness validate does."""
    profile = Path(small_profile(tmp_path))
    own = DEFECTS[defect].must_fail
    profile.write_text(profile.read_text() + f"assess: [{', '.join(own)}]\n")
    code, report, evidence = run_security(
        ["--target", f"faulty:{defect}", "--profile", str(profile), "--seed", SEED],
        tmp_path / "out")
    found = verdicts(report)
    for rid in own:
        assert found.pop(rid) == "FAIL", (rid, report)
    assert set(found.values()) == {"NOT_APPLICABLE"}
    assert set(evidence["suites"][0]["evidence"]["timing"]) == {*own, "suite_s"}  # checks run
    assert code == 1
    for item in report["requirements"]:
        for finding in item["findings"]:
            assert finding["remediation"]["text"] and finding["severity"]
            assert finding["evidence"]["requirement"] == item["id"]
