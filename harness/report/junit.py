"""junit.xml: one test case per requirement in scope, for CI systems that read JUnit results.

PASS is a passed case; FAIL carries a ``<failure>`` with the summary and every finding;
INCONCLUSIVE and NOT_APPLICABLE are ``<skipped>`` with the reason. Cases are grouped into one
``<testsuite>`` per harness suite. Built from evidence alone (through report.json's view of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - only writes XML, never parses input

from harness.report.json_report import build_report
from harness.report.writers import report_writer

__all__ = ["JUNIT_FILE", "build_junit"]

JUNIT_FILE = "junit.xml"


def _duration(suites: list[Mapping[str, Any]], name: str) -> float:
    for suite in suites:
        if suite["suite"] == name:
            try:
                start = datetime.fromisoformat(suite["started_at"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(suite["finished_at"].replace("Z", "+00:00"))
            except (KeyError, AttributeError, ValueError):
                return 0.0
            return max((end - start).total_seconds(), 0.0)
    return 0.0


def _case(parent: ET.Element, item: Mapping[str, Any]) -> str:
    case = ET.SubElement(parent, "testcase", {
        "classname": f"harness.{item['suite']}", "name": f"{item['id']} {item['title']}",
    })
    verdict = item["verdict"]
    summary = item["summary"]["text"]
    if verdict == "FAIL":
        failure = ET.SubElement(case, "failure", {"message": summary, "type": "FAIL"})
        lines = [summary] + [
            f"[{finding['severity']}] {finding['message']['text']}"
            f" (remediation: {finding['remediation']['text']})"
            for finding in item["findings"]
        ]
        failure.text = "\n".join(lines)
    elif verdict != "PASS":
        ET.SubElement(case, "skipped", {"message": f"{verdict}: {summary}"})
    return str(verdict)


def build_junit(evidence: Mapping[str, Any]) -> ET.Element:
    """The ``<testsuites>`` element of a run's evidence."""
    report = build_report(evidence)
    root = ET.Element("testsuites", {"name": f"harness {report['scope']} {report['run_id']}"})
    by_suite: dict[str, list[Mapping[str, Any]]] = {}
    for item in report["requirements"]:
        by_suite.setdefault(item["suite"], []).append(item)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for name, items in by_suite.items():
        suite = ET.SubElement(root, "testsuite", {"name": name})
        verdicts = [_case(suite, item) for item in items]
        counts = {"tests": len(verdicts), "failures": verdicts.count("FAIL"),
                  "skipped": sum(v not in ("PASS", "FAIL") for v in verdicts)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", f"{_duration(evidence['suites'], name):.3f}")
        suite.set("timestamp", report["started_at"])
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    return root


@report_writer(JUNIT_FILE)
def write_junit(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / JUNIT_FILE
    tree = ET.ElementTree(build_junit(evidence))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path
