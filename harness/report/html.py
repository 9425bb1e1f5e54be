"""report.html: the certification report for a regulator, one self-contained file.

It holds what ISO/IEC 17025 clause 7.8.2 and 7.8.3 ask of a test report: a title, the laboratory,
a unique report id on every page, the item under test (version, source digest), the method
(harness version and profile), the dates, the decision rule with its alpha and power, the results
with units, the statement of conformity, the deviations and who authorised the report. Then the
requirement matrix, the findings with their evidence, each real round's beacon, and each suite's
figures as inline SVG. Nothing is fetched: styles and figures are inside the file. Built from
evidence alone, through report.json's view of it and the plot data of ``harness.report.figures``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from harness.report.figures import suite_plots
from harness.report.json_report import build_report
from harness.report.writers import report_writer

__all__ = ["HTML_FILE", "build_html"]

HTML_FILE = "report.html"
_EVIDENCE_CHARS = 4000
_RULE = ("NOT_CERTIFIED if any requirement is FAIL; CERTIFIED if every mandatory requirement is"
         " PASS; otherwise INCONCLUSIVE (DESIGN.md section 5, profile ACP-1).")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,  # evidence of older runs may lack a key
    )


def _number(value: Any) -> str:
    """A measurement as people read it: floats to six significant digits, the rest as given."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return "not measured" if value is None else str(value)


def _pretty(value: Any) -> str:
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > _EVIDENCE_CHARS:
        return text[:_EVIDENCE_CHARS] + f"\n... ({len(text) - _EVIDENCE_CHARS} more characters"\
                                        " in evidence.json)"
    return text


def _rules(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each distinct statistical decision rule in the evidence, with its alpha, power target and
    the requirements judged by it."""
    rules: dict[str, dict[str, Any]] = {}
    for suite in evidence["suites"]:
        for item in suite["requirements"]:
            rule = item.get("evidence", {}).get("decision_rule")
            if not isinstance(rule, Mapping) or "alpha" not in rule:
                continue
            text = str(rule.get("text", ""))
            entry = rules.setdefault(text, {"ids": [], "alpha": rule.get("alpha"),
                                            "power": rule.get("power_target"), "text": text})
            entry["ids"].append(item["id"])
    return list(rules.values())


def _statistics(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The power each statistical test reached, where the evidence states it."""
    return [{"id": item["id"], **measurement}
            for suite in evidence["suites"] for item in suite["requirements"]
            for measurement in item.get("measurements", [])
            if str(measurement.get("name", "")).endswith(": power")
            and isinstance(measurement.get("value"), int | float)]


def _beacons(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    rounds = []
    for suite in evidence["suites"]:
        for item in suite["requirements"]:
            if item["id"] != "F-06":
                continue
            for entry in item.get("evidence", {}).get("rounds", []) or []:
                rounds.append({
                    "round_id": entry.get("round_id"), "beacon": entry.get("beacon"),
                    "source": entry.get("beacon_source") or "none (no beacon in this round)",
                    "provenance_checked": bool(entry.get("beacon_provenance_checked", False)),
                    "verdict": entry.get("verdict"),
                })
    return rounds


def _deviations(evidence: Mapping[str, Any], report: Mapping[str, Any]) -> list[str]:
    found = []
    profile = evidence["profile"]
    if profile.get("overrides"):
        found.append(f"profile values set on the command line: {profile['overrides']}")
    if not str(profile.get("source", "")).startswith("builtin:"):
        found.append(f"a laboratory's own profile file was used ({profile.get('source')})")
    if evidence["target"].get("problem"):
        found.append(f"the target could not be tested: {evidence['target']['problem']['reason']}")
    for item in report["requirements"]:
        if item["verdict"] in ("INCONCLUSIVE", "NOT_APPLICABLE"):
            kind = "mandatory" if item["mandatory"] else "optional"
            found.append(f"{item['id']} ({kind}) not assessed to a conclusion:"
                         f" {item['summary']['text']}")
    return found


def _context(evidence: Mapping[str, Any]) -> dict[str, Any]:
    report = build_report(evidence)
    catalogue = evidence["catalogue"]
    laboratory = evidence.get("laboratory") or {}
    return {
        "report": report,
        "report_id": f"{report['run_id']}-{report['seed'][:8]}",
        "laboratory": laboratory.get("name") or "not stated (give --lab-name)",
        "authorised_by": laboratory.get("authorised_by") or "not stated (give --authorised-by)",
        "catalogue": catalogue,
        "validation": report.get("validation"),
        "rule": _RULE,
        "rules": _rules(evidence),
        "statistics": _statistics(evidence),
        "beacons": _beacons(evidence),
        "deviations": _deviations(evidence, report),
        "figures": [(suite["suite"], suite_plots(suite)) for suite in evidence["suites"]],
        "suites": [(s["suite"], s.get("started_at"), s.get("finished_at"))
                   for s in evidence["suites"]],
        "pretty": _pretty,
        "number": _number,
    }


def build_html(evidence: Mapping[str, Any]) -> str:
    """The report.html text of a run's evidence."""
    return _environment().get_template("report.html.j2").render(**_context(evidence))


@report_writer(HTML_FILE)
def write_html(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / HTML_FILE
    path.write_text(build_html(evidence), encoding="utf-8")
    return path
