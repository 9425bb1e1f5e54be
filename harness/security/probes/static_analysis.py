"""S-09: bandit over the submitted source tree, judged by the profile's rules.

bandit runs in its own process (its plugins and logging stay out of the harness), twice: once as
usual and once with ``--ignore-nosec``, so the findings a ``# nosec`` comment suppressed can be
listed too. A finding fails S-09 when one of ``static_fail_when`` matches its severity and
confidence (default: any HIGH severity, or MEDIUM severity with MEDIUM or HIGH confidence;
bandit's SQL check B608 never reports HIGH confidence). Without a source tree S-09 is
NOT_APPLICABLE.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.findings import finding
from harness.security.registry import ProbeReport, check
from harness.security.settings import SecuritySettings

__all__ = ["BanditFailed", "run_bandit", "static_analysis"]

_EXCLUDE = ".venv,venv,node_modules,.git,__pycache__,.tox"
_SEVERITY = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


class BanditFailed(RuntimeError):
    """bandit did not run to completion (timeout, crash, unreadable output)."""


def run_bandit(source: Path, timeout: float, *, ignore_nosec: bool = False) -> dict[str, Any]:
    """bandit's JSON report over ``source``."""
    with tempfile.TemporaryDirectory(prefix="harness-bandit-") as work:
        out = Path(work) / "bandit.json"
        command = [sys.executable, "-m", "bandit", "-r", str(source), "-f", "json", "-o",
                   str(out), "-q", "--exit-zero", "-x", _EXCLUDE]
        if ignore_nosec:
            command.append("--ignore-nosec")
        try:
            done = subprocess.run(  # noqa: S603 - our interpreter, a fixed module, a path
                command, capture_output=True, timeout=timeout, check=False,
                stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise BanditFailed(f"bandit did not finish within {timeout:g} s") from None
        if done.returncode != 0 or not out.exists():
            tail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-3:]
            raise BanditFailed(f"bandit exited with {done.returncode}: {' | '.join(tail)}")
        try:
            report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BanditFailed(f"bandit's report is not JSON ({exc})") from None
    return report


def _key(issue: dict[str, Any]) -> tuple[Any, ...]:
    return (issue.get("filename"), issue.get("line_number"), issue.get("test_id"),
            issue.get("col_offset"))


def _relative(source: Path, filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(source.resolve()).as_posix()
    except ValueError:
        return Path(filename).name


def _issue_finding(source: Path, issue: dict[str, Any], settings: SecuritySettings,
                   suppressed: bool) -> tuple[Any, bool]:
    severity, confidence = issue["issue_severity"], issue["issue_confidence"]
    fails = not suppressed and any(rule.matches(severity, confidence)
                                   for rule in settings.static_fail_when)
    shown = _SEVERITY.get(severity, Severity.LOW) if fails else (
        Severity.INFO if suppressed else Severity.LOW)
    path = _relative(source, issue["filename"])
    cwe = (issue.get("issue_cwe") or {}).get("id")
    text = ("{test_id} {test_name} at {path}:{line} (bandit severity {severity}, confidence"
            " {confidence}): {issue}" + (" [suppressed by # nosec]" if suppressed else ""))
    message = Message.of("security.s09.suppressed" if suppressed else "security.s09.issue", text,
                         test_id=issue["test_id"], test_name=issue["test_name"], path=path,
                         line=issue["line_number"], severity=severity, confidence=confidence,
                         issue=issue["issue_text"])
    advice = Message.of("security.s09.fix", "see {url}; fix the code rather than suppress the"
                        " finding", url=issue.get("more_info", ""))
    return finding(
        "S-09", f"S-09/{issue['test_id']}", shown, message, advice,
        cwe=int(cwe) if cwe else None, location=f"source:{path}:{issue['line_number']}",
        bandit={"test_id": issue["test_id"], "severity": severity, "confidence": confidence,
                "file": path, "line": issue["line_number"], "code": issue.get("code", "")[:600],
                "suppressed": suppressed, "fails_profile": fails}), fails


@check("S-09", "static-analysis")
def static_analysis(ctx: ProbeContext, report: ProbeReport) -> None:
    source = ctx.target.source_dir
    if source is None:
        report.not_applicable = Message.of(
            "security.s09.no_source", "not applicable: no source tree was given (--source DIR)")
        return
    settings = ctx.settings
    timeout = max(1.0, min(settings.static_timeout, ctx.remaining()))
    try:
        active = run_bandit(source, timeout)
        everything = run_bandit(source, timeout, ignore_nosec=True)
    except BanditFailed as exc:
        report.inconclusive = Message.of("security.s09.bandit_failed",
                                         "not assessed: {reason}", reason=str(exc))
        return
    reported = {_key(issue) for issue in active.get("results", [])}
    failing = 0
    for issue in everything.get("results", []):
        made, fails = _issue_finding(source, issue, settings, _key(issue) not in reported)
        report.add(made)
        failing += fails
    totals = active.get("metrics", {}).get("_totals", {})
    report.measure("lines_scanned", totals.get("loc"), "line")
    report.measure("issues", len(active.get("results", [])))
    report.measure("issues_failing_profile", failing)
    report.measure("suppressed_by_nosec", len(everything.get("results", [])) - len(reported))
    report.evidence["bandit"] = {"errors": active.get("errors", [])[:20],
                                 "rules": [r.__dict__ for r in settings.static_fail_when],
                                 "generated_at": active.get("generated_at")}
