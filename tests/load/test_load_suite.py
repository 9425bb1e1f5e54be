"""harness load end to end over HTTP: the reference passes L-01..L-04, each load defect fails its
own requirement with evidence, and a target that cannot be reached is INCONCLUSIVE in time."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _loadkit import SEED, requirement, run_load, small_profile, verdicts

from harness.cli import main
from harness.events import RecordingSink
from harness.launcher import launch
from harness.runner import run_suite
from harness.seeds import RunSeed
from harness.suites import SuiteTarget, get_suite
from harness.target import HttpTarget

pytestmark = [pytest.mark.load, pytest.mark.slow]


def test_the_reference_passes_every_load_requirement(tmp_path: Path) -> None:
    with launch("reference") as launched:
        result = run_load(launched, small_profile(tmp_path))
    assert verdicts(result) == {"L-01": "PASS", "L-02": "PASS", "L-03": "PASS", "L-04": "PASS"}
    evidence = result.evidence
    assert set(evidence["rushes"]) == {"healthz", "registration", "results", "deposit", "crash"}
    deposit = evidence["rushes"]["deposit"]
    assert deposit["completed"] and deposit["endpoints"]["deposit"]["latency_ms"]["p99"] > 0
    assert deposit["timeline"] and {"second", "endpoint", "requests"} <= set(deposit["timeline"][0])
    assert evidence["generator"]["bottleneck"] in ("generator", "target")
    assert evidence["generator"]["healthz_capacity_per_s"] > 0
    crash = requirement(result, "L-04").evidence["crash"]
    assert crash["method"] == "sigkill" and crash["came_back"]
    rec = requirement(result, "L-03").evidence["reconciliation"]
    assert rec["acknowledged"] == rec["ledger_entries"] == evidence["round"]["entitled"]


@pytest.mark.postgres
def test_the_reference_on_postgresql_passes(tmp_path: Path, postgres_url: str) -> None:
    with launch("reference", db=postgres_url) as launched:
        result = run_load(launched, small_profile(tmp_path))
    assert verdicts(result) == {"L-01": "PASS", "L-02": "PASS", "L-03": "PASS", "L-04": "PASS"}


def test_a_global_deposit_lock_fails_l01(tmp_path: Path) -> None:
    with launch("faulty:deposit-global-lock") as launched:
        result = run_load(launched, small_profile(tmp_path, "  duration: 15\n"), crash=False)
    assert verdicts(result)["L-01"] == "FAIL"
    l01 = requirement(result, "L-01")
    failed = [t for t in l01.evidence["thresholds"] if t["verdict"] == "FAIL"]
    assert any(t["endpoint"] == "deposit" and t["ci_low"] > 2000 for t in failed)
    assert l01.findings and verdicts(result)["L-03"] != "FAIL"


def test_deposits_shed_under_load_fail_l02_at_the_quick_size(tmp_path: Path) -> None:
    extra = ("  round: {applicants: 1000, primary_slots: 300, reserve_slots: 100}\n"
             "  results_readers: 0.0\n")
    profile = small_profile(tmp_path, extra, ["deposit error_ratio < 0.5%"])
    with launch("faulty:deposits-shed-under-load") as launched:
        result = run_load(launched, profile, crash=False)
    l02 = requirement(result, "L-02")
    assert l02.verdict.value == "FAIL", l02.summary.text
    deposit = next(t for t in l02.evidence["thresholds"] if t["endpoint"] == "deposit")
    assert deposit["ci_low"] > 0.005 and deposit["verdict"] == "FAIL"
    assert verdicts(result)["L-03"] == "PASS"  # the clients retried with the same key


def test_a_check_then_insert_race_fails_l03_with_examples(tmp_path: Path) -> None:
    with launch("faulty:deposit-check-then-insert") as launched:
        result = run_load(launched, small_profile(tmp_path), crash=False)
    l03 = requirement(result, "L-03")
    assert l03.verdict.value == "FAIL"
    examples = l03.evidence["reconciliation"]["examples"]["duplicate"]
    assert examples and examples[0]["entries"] == 2 and len(examples[0]["ledger"]) == 2
    assert any(f.evidence["kind"] == "duplicate" for f in l03.findings)


def test_acknowledging_before_durable_fails_l04(tmp_path: Path) -> None:
    with launch("faulty:deposit-ack-before-durable") as launched:
        result = run_load(launched, small_profile(tmp_path))
    l04 = requirement(result, "L-04")
    assert l04.verdict.value == "FAIL", l04.summary.text
    assert l04.evidence["reconciliation"]["violations"]["lost"] > 0
    assert l04.evidence["reconciliation"]["examples"]["lost"]
    assert verdicts(result)["L-03"] == "PASS"  # while it lives, it is consistent


def test_a_run_assessing_only_l04_plays_only_the_crash_round(tmp_path: Path) -> None:
    """What harness validate runs for the durability defect: its first FAIL, nothing else."""
    with launch("faulty:deposit-ack-before-durable") as launched:
        result = run_load(launched, small_profile(tmp_path, "assess: [L-04]\n"))
    assert verdicts(result) == {"L-01": "NOT_APPLICABLE", "L-02": "NOT_APPLICABLE",
                                "L-03": "NOT_APPLICABLE", "L-04": "FAIL"}
    assert set(result.evidence["rushes"]) == {"crash"} and "generator" not in result.evidence


def test_a_restart_command_that_fails_makes_l04_inconclusive(tmp_path: Path) -> None:
    with launch("reference") as launched:
        result = run_load(launched, small_profile(tmp_path), crash=False,
                          restart_cmd="echo cannot restart >&2; exit 3")
    l04 = requirement(result, "L-04")
    assert l04.verdict.value == "INCONCLUSIVE"
    assert l04.evidence["crash"]["command_exit"] == 3
    assert "cannot restart" in l04.evidence["crash"]["command_output"]


def test_a_url_target_without_restart_control_has_l04_not_applicable(tmp_path: Path) -> None:
    with launch("reference") as launched:
        result = run_load(launched, small_profile(tmp_path), crash=False)
    assert verdicts(result)["L-04"] == "NOT_APPLICABLE"
    assert verdicts(result)["L-03"] == "PASS"


def test_a_closed_port_gives_inconclusive_with_the_reason(tmp_path: Path) -> None:

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    code = main(["load", "--target", f"http://127.0.0.1:{port}", "--admin-token", "t",
                 "--seed", SEED, "--out", str(out)])
    report = json.loads((out / "report.json").read_text())
    assert code == 3 and report["verdict"] == "INCONCLUSIVE"
    assert {r["verdict"] for r in report["requirements"]} == {"INCONCLUSIVE"}


def test_a_vendors_restart_command_that_kills_and_restarts_passes_l04(tmp_path: Path) -> None:
    """A system the harness does not hold: --restart-cmd SIGKILLs it and starts it again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token, pidfile = "vendor-operator-token", tmp_path / "server.pid"
    server = " ".join(shlex.quote(part) for part in (
        sys.executable, "-m", "targets.reference", "--port", str(port), "--db",
        f"sqlite:///{tmp_path / 'vendor.db'}", "--admin-token", token))
    start = f"(nohup {server} >>{tmp_path / 'server.log'} 2>&1 & echo $! >{pidfile})"
    subprocess.run(start, shell=True, check=True)  # noqa: S602 - the test's own command
    base = f"http://127.0.0.1:{port}"
    try:
        with HttpTarget(base, deadline=2) as probe_client:
            for _ in range(100):
                try:
                    probe_client.health()
                    break
                except Exception:  # noqa: BLE001 - still starting
                    time.sleep(0.1)
        target = SuiteTarget(base, base, token, None, None, f"kill -9 $(cat {pidfile}); {start}")
        result = run_suite(get_suite("load"), target, small_profile(tmp_path),
                           RunSeed.parse(SEED), RecordingSink())
    finally:
        subprocess.run(f"kill -9 $(cat {pidfile})", shell=True, check=False)  # noqa: S602
    l04 = requirement(result, "L-04")
    assert l04.verdict.value == "PASS", l04.summary.text
    assert l04.evidence["crash"]["method"] == "restart_cmd"
    assert l04.evidence["crash"]["command_exit"] == 0 and l04.evidence["crash"]["came_back"]
