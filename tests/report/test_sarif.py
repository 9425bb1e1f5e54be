"""results.sarif is valid SARIF 2.1.0 in GitHub code scanning's subset, built from evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

from harness.report.sarif import CONTRACT_URI, build_sarif, contract_line
from harness.report.writers import registered_writers
from harness.results import Finding, Message, RequirementResult, Severity
from harness.verdict import Verdict

_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def _finding(severity: Severity, location: str | None, rule: str, **evidence: Any) -> Finding:
    return Finding(severity, Message.of("m." + rule, "problem {r}", r=rule),
                   Message.of("fix", "fix it"), {"rule": rule, **evidence}, 89, location)


def _evidence() -> dict[str, Any]:
    findings = (
        _finding(Severity.HIGH, "contract:GET /v1/rounds/{rid}", "S-03/behaviour-sql"),
        _finding(Severity.MEDIUM, "source:targets/faulty/x.py:30", "S-09/B608",
                 bandit={"suppressed": False}),
        _finding(Severity.INFO, "source:app.py:7", "S-09/B602", bandit={"suppressed": True}),
        _finding(Severity.LOW, None, "S-07/version"),
    )
    result = RequirementResult.of("S-03", Verdict.FAIL, Message.of("s", "failed"),
                                  findings=findings)
    return {"scope": "security", "run": {"run_id": "20260101-abcd", "seed": "00" * 32},
            "harness": {"harness": "0.1"}, "target": {"name": "reference"},
            "suites": [{"suite": "security", "requirements": [result.to_dict()]}]}


def test_valid_against_the_sarif_schema() -> None:
    errors = list(Draft4Validator(_SCHEMA).iter_errors(build_sarif(_evidence())))
    assert errors == []


def test_github_subset_rules_and_locations() -> None:
    run = build_sarif(_evidence())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert 0 <= float(rule["properties"]["security-severity"]) <= 10
        assert "external/cwe/cwe-89" in rule["properties"]["tags"]
    for result in run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]]
    assert uris == [CONTRACT_URI, "targets/faulty/x.py", "app.py", CONTRACT_URI]
    assert run["results"][2]["suppressions"][0]["kind"] == "inSource"


def test_dynamic_findings_point_at_their_operation_line() -> None:
    text = (Path(__file__).resolve().parents[2] / CONTRACT_URI).read_text().splitlines()
    line = contract_line("POST /v1/rounds/{rid}/close")
    assert text[line - 1].strip() == "post:"
    above = next(t for t in reversed(text[:line - 1]) if t.startswith("  /"))
    assert above.strip() == "/v1/rounds/{rid}/close:"
    assert text[contract_line("") - 1] == "paths:"


def test_registered_as_a_report_writer(tmp_path: Path) -> None:
    writer = registered_writers()["results.sarif"]
    path = writer(_evidence(), tmp_path)
    assert json.loads(path.read_text())["version"] == "2.1.0"
