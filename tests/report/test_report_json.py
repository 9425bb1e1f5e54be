"""evidence.json and report.json: what a run records, and the verdict rule over a scope."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from harness.catalogue import requirements_of
from harness.evidence import build_evidence, write_evidence
from harness.profiles import load_profile
from harness.report import build_report, write_reports
from harness.results import Message, RequirementResult, SuiteResult
from harness.seeds import RunSeed
from harness.verdict import Verdict

SEED = RunSeed(bytes(range(32)))
TARGET = {"spec": "reference", "identity": {"status": "ok", "system": "x", "contract": "ASTI-1"}}


def suite_result(suite: str, verdicts: dict[str, Verdict]) -> SuiteResult:
    results = tuple(
        RequirementResult.of(rid, verdicts.get(rid, Verdict.PASS), Message.of("t", "text"),
                             evidence={"p": 0.5})
        for rid in requirements_of(suite)
    )
    return SuiteResult(suite, results, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z",
                       {"n": 1})


def evidence(scope: str, *suites: SuiteResult) -> dict:
    return build_evidence(scope=scope, seed=SEED, profile=load_profile("quick"), target=TARGET,
                          suites=list(suites), started_at="s", finished_at="f")


def test_evidence_records_seed_profile_versions_target_and_results() -> None:
    data = evidence("fairness", suite_result("fairness", {}))
    assert data["run"]["seed"] == SEED.hex and data["run"]["run_id"] == SEED.run_id
    assert data["profile"]["name"] == "quick" and data["profile"]["optional"] == ["L-04", "S-09"]
    assert data["harness"]["dependencies"]["numpy"] == metadata.version("numpy")
    assert data["harness"]["dependencies"]["requests"] == metadata.version("requests")
    assert data["target"]["identity"]["contract"] == "ASTI-1"
    assert data["suites"][0]["requirements"][0]["evidence"] == {"p": 0.5}


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ({}, "PASS"),
        ({"F-03": Verdict.FAIL}, "FAIL"),
        ({"F-03": Verdict.FAIL, "F-07": Verdict.INCONCLUSIVE}, "FAIL"),
        ({"F-07": Verdict.INCONCLUSIVE}, "INCONCLUSIVE"),
        ({"F-01": Verdict.NOT_APPLICABLE}, "INCONCLUSIVE"),
    ],
)
def test_a_suite_scope_verdict_follows_the_rule(verdicts: dict, expected: str) -> None:
    report = build_report(evidence("fairness", suite_result("fairness", verdicts)))
    assert report["scope"] == "fairness" and report["verdict"] == expected
    assert [r["id"] for r in report["requirements"]] == list(requirements_of("fairness"))


def test_certification_lists_every_requirement_and_optional_ones_do_not_block() -> None:
    results = [suite_result(s, {}) for s in ("fairness", "invariants", "load")]
    results.append(suite_result("security", {"S-09": Verdict.NOT_APPLICABLE}))
    report = build_report(evidence("certification", *results))
    assert report["verdict"] == "CERTIFIED" and len(report["requirements"]) == 26
    s09 = report["requirements"][-1]
    assert s09["id"] == "S-09" and s09["mandatory"] is False


def test_certification_without_a_suite_is_inconclusive_and_says_what_was_not_assessed() -> None:
    report = build_report(evidence("certification", suite_result("fairness", {})))
    assert report["verdict"] == "INCONCLUSIVE"
    missing = [r for r in report["requirements"] if r["verdict"] == "NOT_APPLICABLE"]
    assert len(missing) == 19 and "did not run" in missing[0]["summary"]["text"]
    failing = build_report(evidence("certification",
                                    suite_result("fairness", {"F-01": Verdict.FAIL})))
    assert failing["verdict"] == "NOT_CERTIFIED"


def test_reports_are_rebuilt_from_evidence_json_alone_with_sorted_keys(tmp_path: Path) -> None:
    data = evidence("fairness", suite_result("fairness", {"F-05": Verdict.FAIL}))
    write_evidence(data, tmp_path)
    reread = json.loads((tmp_path / "evidence.json").read_text())
    written = write_reports(reread, tmp_path)
    assert [p.name for p in written] == ["junit.xml", "report.html", "report.json",
                                         "results.sarif", "summary.md"]
    text = (tmp_path / "report.json").read_text()
    report = json.loads(text)
    assert report == build_report(data) and report["verdict"] == "FAIL"
    assert report["schema_version"] == 1 and report["seed"] == SEED.hex
    assert text == json.dumps(report, sort_keys=True, separators=(",", ":")) + "\n"
