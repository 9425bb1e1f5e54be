"""report.json: the language-neutral facts of a run, taken from its evidence alone.

``scope`` is a suite's name for a single-suite run (verdict PASS, FAIL or INCONCLUSIVE) or
``certification`` (CERTIFIED, NOT_CERTIFIED or INCONCLUSIVE); the verdict follows DESIGN.md
section 5's rule over the requirements in scope, with the profile's mandatory list.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.jsonable import dumps
from harness.report.writers import report_writer
from harness.verdict import Verdict, certification_label, overall_verdict

__all__ = ["REPORT_FILE", "build_report", "scope_verdict"]

REPORT_FILE = "report.json"
REPORT_SCHEMA_VERSION = 1


def _results(evidence: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        item["id"]: {**item, "suite": suite["suite"]}
        for suite in evidence["suites"]
        for item in suite["requirements"]
    }


def _in_scope(evidence: Mapping[str, Any]) -> list[str]:
    scope = evidence["scope"]
    catalogue = evidence["catalogue"]
    return [rid for rid, item in catalogue.items() if scope in ("certification", item["suite"])]


def scope_verdict(evidence: Mapping[str, Any]) -> Verdict:
    """PASS/FAIL/INCONCLUSIVE of the requirements in the evidence's scope."""
    ids = _in_scope(evidence)
    results = _results(evidence)
    verdicts = {rid: Verdict(results[rid]["verdict"]) for rid in ids if rid in results}
    mandatory = [rid for rid in evidence["profile"]["mandatory"] if rid in ids]
    return overall_verdict(verdicts, mandatory)


def _requirement(rid: str, evidence: Mapping[str, Any], results: Mapping[str, Any]) -> dict:
    entry = evidence["catalogue"][rid]
    found = results.get(rid)
    base = {
        "id": rid, "title": entry["title"], "suite": entry["suite"],
        "mandatory": rid in evidence["profile"]["mandatory"],
    }
    if found is None:
        return {**base, "verdict": Verdict.NOT_APPLICABLE.value, "summary": {
            "id": "report.not_assessed", "params": {"suite": entry["suite"]},
            "text": f"not assessed in this run (the {entry['suite']} suite did not run)"},
            "measurements": [], "findings": [], "evidence": {}}
    keep = ("verdict", "summary", "measurements", "findings", "evidence")
    return {**base, **{key: found[key] for key in keep}}


def build_report(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """The report.json document for ``evidence``."""
    try:
        results = _results(evidence)
        verdict = scope_verdict(evidence)
        scope = evidence["scope"]
        run = evidence["run"]
        document = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "scope": scope,
            "verdict": certification_label(verdict) if scope == "certification" else verdict.value,
            "run_id": run["run_id"], "seed": run["seed"],
            "started_at": run["started_at"], "finished_at": run["finished_at"],
            "target": evidence["target"],
            "harness": evidence["harness"],
            "profile": {key: evidence["profile"][key] for key in (
                "name", "source", "source_sha256", "false_alarm_rate", "mandatory", "optional")},
            "requirements": [_requirement(rid, evidence, results) for rid in _in_scope(evidence)],
        }
        if "validation" in evidence:  # a certification: the method's validation record
            document["validation"] = evidence["validation"]
        return document
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"the evidence is incomplete or malformed ({exc!r})") from None


@report_writer(REPORT_FILE)
def write_report_json(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / REPORT_FILE
    path.write_text(dumps(build_report(evidence)), encoding="utf-8")
    return path
