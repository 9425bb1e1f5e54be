"""summary.md: a short Markdown summary for a CI job page (e.g. ``$GITHUB_STEP_SUMMARY``).

The verdict, the target and harness, the count of each verdict, a table of every requirement in
scope and the findings of the failed ones. Built from evidence alone (report.json's view of it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.report.i18n import Speaker, speaker
from harness.report.json_report import build_report
from harness.report.writers import report_writer

__all__ = ["SUMMARY_FILE", "build_summary"]

SUMMARY_FILE = "summary.md"
_MARK = {"PASS": "pass", "FAIL": "**FAIL**", "INCONCLUSIVE": "inconclusive",
         "NOT_APPLICABLE": "not applicable"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mark(verdict: str, sp: Speaker) -> str:
    if sp.lang == "en":
        return _MARK.get(verdict, verdict)
    word = sp.word("verdict", verdict)
    return f"**{word}**" if verdict == "FAIL" else word


def _head(report: Mapping[str, Any], sp: Speaker) -> list[str]:
    target = report["target"]
    counts = Counter(item["verdict"] for item in report["requirements"])
    if sp.lang == "en":
        return [
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
        ]
    return [
        "# " + sp.sentence("{verdict}: harness {scope}",
                           verdict=sp.word("verdict", report["verdict"]), scope=report["scope"]),
        "",
        "- " + sp.sentence("Target: {name} at {url}", name=str(target.get("name")),
                       url=str(target.get("base_url"))),
        "- " + sp.sentence("Harness {version}, profile {profile}, run {run}",
                       version=str(report["harness"].get("harness")),
                       profile=report["profile"]["name"], run=report["run_id"]),
        "- " + sp.sentence("Seed {seed}", seed=report["seed"]),
        "- " + sp.sentence("{start} to {end}", start=sp.date(report["started_at"]),
                       end=sp.date(report["finished_at"])),
        "- " + sp.separator.join(f"{sp.number(counts[v])} {sp.word('verdict', v)}"
                                 for v in _MARK if counts[v]),
        *(["- " + sp.sentence("Method validation: {note}", note=report["validation"]["note"])]
          if "validation" in report else []),
    ]


def build_summary(evidence: Mapping[str, Any], lang: str = "en") -> str:
    """The Markdown text of a run's summary, in ``lang``."""
    sp = speaker(lang, html=False)
    report = build_report(evidence)
    lines = [*_head(report, sp), "",
             "| " + " | ".join((sp.gettext("id"), sp.gettext("requirement"),
                                 sp.gettext("mandatory"), sp.gettext("verdict"),
                                 sp.gettext("summary"))) + " |",
             "|---|---|---|---|---|"]
    yes, no = sp.gettext("yes"), sp.gettext("no")
    lines += [
        f"| {sp.ltr(item['id'])} | {_cell(sp.word(item['id'] + ' title', item['title']))}"
        f" | {yes if item['mandatory'] else no}"
        f" | {_mark(item['verdict'], sp)} | {_cell(sp.say(item['summary']))} |"
        for item in report["requirements"]
    ]
    failed = [item for item in report["requirements"] if item["verdict"] == "FAIL"]
    remedy = sp.gettext("remediation:")
    if failed:
        lines += ["", "## " + sp.gettext("Findings"), ""]
        for item in failed:
            rid = sp.ltr(item["id"])
            lines += [f"- **{rid}**: {_cell(sp.say(finding['message']))}"
                      f" ({remedy} {_cell(sp.say(finding['remediation']))})"
                      for finding in item["findings"]] or [f"- **{rid}**: "
                                                           f"{_cell(sp.say(item['summary']))}"]
    return "\n".join(lines) + "\n"


@report_writer(SUMMARY_FILE, localised=True)
def write_summary(evidence: Mapping[str, Any], out_dir: Path, lang: str = "en") -> Path:
    path = out_dir / SUMMARY_FILE
    path.write_text(build_summary(evidence, lang), encoding="utf-8")
    return path
