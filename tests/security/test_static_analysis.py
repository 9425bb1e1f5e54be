"""S-09: bandit findings judged by the profile's rules; # nosec findings listed; no source, N/A."""

from __future__ import annotations

from pathlib import Path

from harness.profiles import load_profile
from harness.security.context import ProbeContext
from harness.security.findings import judge
from harness.security.probes.static_analysis import static_analysis
from harness.security.registry import ProbeReport
from harness.security.settings import StaticRule
from harness.seeds import RunSeed
from harness.suites import SuiteTarget
from harness.verdict import Verdict

_INJECTABLE = '''
def find(conn, name):
    cursor = conn.cursor()
    cursor.execute(f"SELECT id FROM people WHERE name = '{name}'")
    return cursor.fetchone()
'''
_SUPPRESSED = '''
import subprocess

def run(command):
    return subprocess.call(command, shell=True)  # nosec B602
'''


def _run(source: Path | None) -> tuple[Verdict, ProbeReport]:
    settings = load_profile("quick").section("security")
    target = SuiteTarget("test", "http://127.0.0.1:9", "t", source_dir=source)
    ctx = ProbeContext.open(target, settings, RunSeed(bytes(32)), 1e12)
    report = ProbeReport("S-09")
    try:
        static_analysis(ctx, report)
    finally:
        ctx.close()
    return judge(report).verdict, report


def test_default_rules() -> None:
    rules = load_profile("quick").section("security").static_fail_when
    assert rules == (StaticRule("high", "low"), StaticRule("medium", "medium"))
    fails = [r.matches for r in rules]
    assert any(m("HIGH", "LOW") for m in fails)
    assert any(m("MEDIUM", "MEDIUM") for m in fails)
    assert not any(m("MEDIUM", "LOW") for m in fails)
    assert not any(m("LOW", "HIGH") for m in fails)


def test_formatted_sql_passed_to_execute_fails(tmp_path: Path) -> None:
    (tmp_path / "store.py").write_text(_INJECTABLE)
    verdict, report = _run(tmp_path)
    assert verdict is Verdict.FAIL
    found = report.findings[0]
    assert found.cwe == 89 and found.location == "source:store.py:4"
    assert found.evidence["bandit"]["test_id"] == "B608"


def test_nosec_findings_are_listed_but_do_not_fail(tmp_path: Path) -> None:
    (tmp_path / "runner.py").write_text(_SUPPRESSED)
    verdict, report = _run(tmp_path)
    assert verdict is Verdict.PASS
    suppressed = [f for f in report.findings if f.evidence["bandit"]["suppressed"]]
    assert [f.evidence["bandit"]["test_id"] for f in suppressed] == ["B602"]


def test_without_source_not_applicable() -> None:
    verdict, _ = _run(None)
    assert verdict is Verdict.NOT_APPLICABLE


def test_reference_source_passes_the_default_profile() -> None:
    reference = Path(__file__).resolve().parents[2] / "targets" / "reference"
    verdict, report = _run(reference)
    assert verdict is Verdict.PASS, [f.message.text for f in report.findings]
