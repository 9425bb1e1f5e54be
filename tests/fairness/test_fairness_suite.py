"""harness fairness end to end over HTTP: the reference passes, each defect fails its requirement,
a system without lab mode is INCONCLUSIVE with the reason (F-06 still runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _suitekit import run_fairness_command, small_profile, verdicts

from harness.events import RecordingSink
from harness.launcher import resolve_target
from harness.profiles import load_profile
from harness.runner import run_suite
from harness.seeds import RunSeed
from harness.suites import SuiteTarget, get_suite
from harness.verdict import Verdict

pytestmark = pytest.mark.slow
SEED = "c0" * 32


def test_the_reference_passes_the_quick_profile(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, report, evidence = run_fairness_command(
        ["--target", "reference", "--profile", "quick", "--seed", SEED], out)
    assert verdicts(report) == {f"F-0{i}": "PASS" for i in range(1, 8)}, report
    assert code == 0 and report["verdict"] == "PASS" and report["scope"] == "fairness"
    assert sorted(p.name for p in out.iterdir()) == [
        "evidence.json", "junit.xml", "manifest.json", "report.html", "report.json",
        "results.sarif", "summary.md"]
    assert evidence["target"]["identity"]["contract"] == "ASTI-1"
    by_id = {r["id"]: r for r in report["requirements"]}
    assert by_id["F-03"]["measurements"] and by_id["F-03"]["evidence"]["decision_rule"]
    # Plot data for the report: observed vs expected counts, rate by registration decile with
    # its band, p-value QQ.
    f01, f03 = by_id["F-01"]["evidence"], by_id["F-03"]["evidence"]
    assert {"primary_count_histogram", "test_p_value_qq"} <= set(f01["plots"])
    band = f03["plots"]["rate_by_registration_order"]
    assert len(band["rate"]) == len(band["lower"]) == 10
    # What a rerun needs: the seed, the resolved profile, the registered population, the recipes.
    (population,) = evidence["suites"][0]["evidence"]["populations"].values()
    assert len(population["registered"]["applicant_ids"]) == 3000
    assert population["lab_seeds"]["draws"] == 1000 and population["people_recipe"]
    assert evidence["profile"]["sections"]["fairness"]["populations"][0]["applicants"] == 3000


def test_registration_order_bias_fails_f03(tmp_path: Path) -> None:
    code, report, _ = run_fairness_command(
        ["--target", "faulty:registration-order-bias", "--profile", small_profile(tmp_path),
         "--seed", SEED], tmp_path / "out")
    assert code == 1 and verdicts(report)["F-03"] == "FAIL"
    f03 = next(r for r in report["requirements"] if r["id"] == "F-03")
    assert f03["findings"] and f03["findings"][0]["remediation"]["id"] == "fairness.remedy.F-03"


def test_lab_draws_that_differ_from_real_draws_fail_f06(tmp_path: Path) -> None:
    code, report, _ = run_fairness_command(
        ["--target", "faulty:lab-draws-differ", "--profile", small_profile(tmp_path),
         "--seed", SEED], tmp_path / "out")
    assert code == 1 and verdicts(report)["F-06"] == "FAIL"
    f06 = next(r for r in report["requirements"] if r["id"] == "F-06")
    assert any("lab draw" in f["message"]["text"] for f in f06["findings"])


def test_without_lab_mode_the_lab_requirements_are_inconclusive_and_f06_still_runs(
    tmp_path: Path
) -> None:
    profile = load_profile(small_profile(tmp_path))
    with resolve_target("reference", lab=False) as resolved:
        target = SuiteTarget(resolved.name, resolved.base_url, resolved.admin_token)
        result = run_suite(get_suite("fairness"), target, profile, RunSeed.parse(SEED),
                           RecordingSink())
    by_id = {r.id: r for r in result.requirements}
    assert by_id["F-06"].verdict is Verdict.PASS
    for rid in ("F-01", "F-02", "F-03", "F-04", "F-05", "F-07"):
        assert by_id[rid].verdict is Verdict.INCONCLUSIVE
        assert by_id[rid].summary.id == "fairness.no_lab"
        assert "lab mode is off" in by_id[rid].summary.text
