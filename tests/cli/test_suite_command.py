"""harness fairness (and every suite command): option errors are one line with exit code 2;
an unreachable target is INCONCLUSIVE (exit 3) with its evidence written."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from harness.cli import main

SEED = "5e" * 32


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["fairness"], "the following arguments are required: --target"),
        (["fairness", "--target", "reference", "--sed", "00"], "did you mean --seed?"),
        (["fairness", "--target", "reference", "--seed", "xyz"], "--seed must be 64 hex digits"),
        (["fairness", "--target", "refrence"], "unknown target 'refrence' (did you mean"
                                               " reference?)"),
        (["fairness", "--target", "http://127.0.0.1:9"], "needs --admin-token"),
        (["fairness", "--target", "reference", "--profile", "absent.yaml"],
         "not quick or full, and not a readable file"),
        (["fairness", "--target", "reference", "--source", "absent-dir"], "is not a directory"),
    ],
)
def test_option_errors_are_one_line_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str],
    expected: str,
) -> None:
    monkeypatch.delenv("HARNESS_ADMIN_TOKEN", raising=False)
    assert expected in one_line_error(capsys, argv)


def test_a_profile_with_an_unknown_key_names_the_nearest_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("fairness:\n  statistics:\n    alpah: 0.05\n")
    err = one_line_error(capsys, ["fairness", "--target", "reference", "--profile", str(profile)])
    assert "unknown key 'fairness.statistics.alpah' (did you mean 'alpha'?)" in err


def test_an_out_folder_that_cannot_be_created_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    err = one_line_error(capsys, ["fairness", "--target", "reference", "--out",
                                  str(blocker / "sub")])
    assert "--out" in err


def test_a_closed_port_is_inconclusive_with_the_reason_and_the_files_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    argv = ["fairness", "--target", f"http://127.0.0.1:{closed_port()}", "--admin-token", "t",
            "--seed", SEED, "--out", str(out)]
    assert main(argv) == 3
    report = json.loads((out / "report.json").read_text())
    assert report["scope"] == "fairness" and report["verdict"] == "INCONCLUSIVE"
    assert {r["verdict"] for r in report["requirements"]} == {"INCONCLUSIVE"}
    assert all("did not answer" in r["summary"]["text"] for r in report["requirements"])
    evidence = json.loads((out / "evidence.json").read_text())
    assert evidence["run"]["seed"] == SEED
    assert evidence["target"]["problem"]["type"] == "TargetUnreachable"
    assert "Traceback" not in capsys.readouterr().err
