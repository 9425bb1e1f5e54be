"""Distributed mode on loopback: a master and two workers give the same requirements and the same
reconciliation as one process, each worker playing its share of every rush."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from _loadkit import SEED, SMALL, THRESHOLDS

pytestmark = [pytest.mark.load, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _harness(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "harness", *args],  # type: ignore[call-overload]
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def test_a_master_with_two_workers_assesses_like_one_process(tmp_path: Path) -> None:
    profile = tmp_path / "small.yaml"
    profile.write_text(SMALL % {"thresholds": json.dumps(THRESHOLDS)})
    port, out = str(_free_port()), tmp_path / "out"
    workers = [_harness("load", "--worker", "--master-host", "127.0.0.1", "--master-port", port)
               for _ in range(2)]
    master = _harness("load", "--target", "reference", "--master", "--expect-workers", "2",
                      "--master-bind", "127.0.0.1", "--master-port", port, "--profile",
                      str(profile), "--seed", SEED, "--out", str(out))
    try:
        output, _ = master.communicate(timeout=600)
        codes = [worker.wait(timeout=60) for worker in workers]
    finally:
        for process in (master, *workers):
            if process.poll() is None:
                process.kill()
    assert master.returncode == 0, output.decode()
    assert codes == [0, 0]
    report = json.loads((out / "report.json").read_text())
    assert {r["id"]: r["verdict"] for r in report["requirements"]} == {
        "L-01": "PASS", "L-02": "PASS", "L-03": "PASS", "L-04": "PASS"}
    evidence = json.loads((out / "evidence.json").read_text())
    suite = next(s for s in evidence["suites"] if s["suite"] == "load") \
        if isinstance(evidence["suites"], list) else evidence["suites"]["load"]
    for name, rush in suite["evidence"]["rushes"].items():
        assert rush["workers"] == 2 and len(rush["generator_cpu"]) == 2, name
        assert rush["completed"] and rush["scripts_done"] == rush["scripts"], name
    l03 = next(r for r in suite["requirements"] if r["id"] == "L-03")
    rec = l03["evidence"]["reconciliation"]
    assert rec["acknowledged"] == rec["ledger_entries"] == 120


def test_worker_and_master_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    assert main(["load", "--worker"]) == 2
    assert "--master-host" in capsys.readouterr().err
    assert main(["load", "--target", "reference", "--master"]) == 2
    assert "--expect-workers" in capsys.readouterr().err
    assert main(["load"]) == 2
    assert "--target" in capsys.readouterr().err
    assert main(["load", "--target", "reference", "--users", "0"]) == 2
