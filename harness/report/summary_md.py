"""summary.md: a short Markdown summary for a CI job page (e.g. ``$GITHUB_STEP_SUMMARY``).

The verdict, the target and harness, the count of each verdict, a table of every requirement in
scope and the findings of the failed ones. Built from evidence alone (report.json's view of it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.report.json_report import build_report
from harness.report.writers import report_writer

__all__ = ["SUMMARY_FILE", "build_summary"]

SUMMARY_FILE = "summary.md"
_MARK = {"PASS": "pass", "FAIL": "**FAIL**", "INCONCLUSIVE": "inconclusive",
         "NOT_APPLICABLE": "not applicable"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build_summary(evidence: Mapping[str, Any]) -> str:
    """The Markdown text of a run's summary."""
    report = build_report(evidence)
    target = report["target"]
    counts = Counter(item["verdict"] for item in report["requirements"])
    lines = [
        f"# {report['verdict']}: harness {report['scope']}",
        "",
        f"- Target: `{target.get('name')}` at {target.get('base_url')}",
        f"- Harness {report['harness'].get('harness')}, profile `{report['profile']['name']}`,"
        f" run `{report['run_id']}`",
        f"- Seed `{report['seed']}`",
        f"- {report['started_at']} to {report['finished_at']}",
        "- " + ", ".join(f"{counts[v]} {v}" for v in _MARK if counts[v]),
        *([f"- Method validation: {report['validation']['note']['text']}"]
          if "validation" in report else []),
        "",
        "| id | requirement | mandatory | verdict | summary |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {item['id']} | {_cell(item['title'])} | {'yes' if item['mandatory'] else 'no'}"
        f" | {_MARK.get(item['verdict'], item['verdict'])} | {_cell(item['summary']['text'])} |"
        for item in report["requirements"]
    ]
    failed = [item for item in report["requirements"] if item["verdict"] == "FAIL"]
    if failed:
        lines += ["", "## Findings", ""]
        for item in failed:
            lines += [f"- **{item['id']}**: {_cell(finding['message']['text'])}"
                      f" (remediation: {_cell(finding['remediation']['text'])})"
                      for finding in item["findings"]] or [f"- **{item['id']}**: "
                                                           f"{_cell(item['summary']['text'])}"]
    return "\n".join(lines) + "\n"


@report_writer(SUMMARY_FILE)
def write_summary(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / SUMMARY_FILE
    path.write_text(build_summary(evidence), encoding="utf-8")
    return path
