"""junit.xml, summary.md and the certification verdict in report.json, from evidence alone;
junit.xml and results.sarif validate against the schemas in tests/report/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator

from harness.report import write_reports
from harness.report.summary_md import build_summary
from harness.verdict import Verdict
from tests.report._evidence import certification_evidence

DATA = Path(__file__).parent / "data"
_JUNIT = xmlschema.XMLSchema(str(DATA / "junit.xsd"))
_SARIF = Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))


@pytest.mark.parametrize(("verdicts", "label"), [
    ({}, "CERTIFIED"),
    ({"F-03": Verdict.FAIL}, "NOT_CERTIFIED"),
    ({"I-02": Verdict.INCONCLUSIVE}, "INCONCLUSIVE"),
    ({"S-09": Verdict.INCONCLUSIVE, "L-04": Verdict.NOT_APPLICABLE}, "CERTIFIED"),  # optional
])
def test_report_json_has_the_certification_verdict(
    tmp_path: Path, verdicts: dict[str, Verdict], label: str
) -> None:
    write_reports(certification_evidence(verdicts), tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["scope"] == "certification" and report["verdict"] == label
    assert len(report["requirements"]) == 26


def test_junit_has_one_case_per_requirement_and_validates(tmp_path: Path) -> None:
    verdicts = {"F-03": Verdict.FAIL, "I-02": Verdict.INCONCLUSIVE,
                "S-09": Verdict.NOT_APPLICABLE}
    write_reports(certification_evidence(verdicts), tmp_path)
    path = tmp_path / "junit.xml"
    _JUNIT.validate(str(path))
    root = _JUNIT.to_dict(str(path))
    cases = {case["@name"].split()[0]: case for suite in root["testsuite"]
             for case in suite["testcase"]}
    assert len(cases) == 26
    assert "F-03 broke <here> & there" in cases["F-03"]["failure"]["$"]
    assert cases["I-02"]["skipped"]["@message"].startswith("INCONCLUSIVE: I-02 judged")
    assert cases["S-09"]["skipped"]["@message"].startswith("NOT_APPLICABLE")
    assert "failure" not in cases["F-01"] and "skipped" not in cases["F-01"]
    assert (root["@tests"], root["@failures"], root["@skipped"]) == (26, 1, 2)


def test_an_invalid_junit_file_is_refused_by_the_schema(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<testsuites tests="x" failures="0" errors="0"/>')
    assert not _JUNIT.is_valid(str(bad))


def test_sarif_of_a_certification_run_validates(tmp_path: Path) -> None:
    write_reports(certification_evidence({"F-03": Verdict.FAIL}), tmp_path)
    sarif = json.loads((tmp_path / "results.sarif").read_text())
    assert list(_SARIF.iter_errors(sarif)) == []
    assert len(sarif["runs"][0]["results"]) == 1


def test_summary_names_the_verdict_and_every_requirement() -> None:
    text = build_summary(certification_evidence({"F-03": Verdict.FAIL}))
    assert text.startswith("# NOT_CERTIFIED")
    assert all(f"| {rid} |" in text for rid in ("F-01", "I-06", "L-04", "S-09"))
    assert "**F-03**: F-03 broke <here> & there (remediation: repair it)" in text


def test_a_broken_writer_is_named_and_the_other_files_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.errors import HarnessError
    from harness.report import writers

    def broken(evidence: object, out_dir: Path) -> Path:
        raise KeyError("nothing here")

    monkeypatch.setitem(writers._WRITERS, "broken.txt", broken)
    with pytest.raises(HarnessError, match=r"broken.txt \(KeyError"):
        write_reports(certification_evidence(), tmp_path)
    assert (tmp_path / "report.json").exists() and (tmp_path / "summary.md").exists()
