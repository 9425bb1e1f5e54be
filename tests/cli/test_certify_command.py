"""harness certify: all four suites one after another, the certification verdict, every report
file and the manifest; a crashing suite and an unreachable target are INCONCLUSIVE (exit 3).

The suites here are stand-ins registered in place of the real ones (their own tests cover them),
so that these tests exercise certify's machinery against a real built-in target in seconds.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from harness import suites
from harness.catalogue import SUITES, requirements_of
from harness.cli import main
from harness.results import Message, RequirementResult, SuiteResult
from harness.suites import Suite, get_suite
from harness.verdict import Verdict

SEED = "7a" * 32
FILES = {"evidence.json", "report.json", "report.html", "junit.xml", "results.sarif", "summary.md",
         "manifest.json"}


def _stand_ins(monkeypatch: pytest.MonkeyPatch, crash: str | None = None) -> list[str]:
    ran: list[str] = []
    for name in SUITES:
        real = get_suite(name)

        def run(target: Any, profile: Any, seed: Any, events: Any, name: str = name
                ) -> SuiteResult:
            ran.append(name)
            if name == crash:
                raise RuntimeError(f"{name} fell over")
            ok = Message.of("test.ok", "held against {url}", url=target.base_url)
            return SuiteResult(name, tuple(RequirementResult.of(rid, Verdict.PASS, ok)
                                           for rid in requirements_of(name)), "t0", "t1")

        monkeypatch.setitem(suites._REGISTRY, name, Suite(name, real.requirement_ids,
                                                          real.settings, run))
    return ran


def _report(out: Path) -> dict[str, Any]:
    return json.loads((out / "report.json").read_text())


def test_certify_runs_every_suite_in_order_and_writes_every_artifact(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran = _stand_ins(monkeypatch)
    out = tmp_path / "out"
    argv = ["certify", "--target", "reference", "--seed", SEED, "--out", str(out),
            "--lab-name", "Lab One", "--authorised-by", "A. Person"]
    assert main(argv) == 0
    assert ran == list(SUITES)
    assert FILES <= {p.name for p in out.iterdir()}
    report = _report(out)
    assert report["scope"] == "certification" and report["verdict"] == "CERTIFIED"
    assert len(report["requirements"]) == 26
    evidence = json.loads((out / "evidence.json").read_text())
    assert evidence["laboratory"] == {"name": "Lab One", "authorised_by": "A. Person"}
    assert evidence["harness"]["dependencies"]["cryptography"]
    assert evidence["target"]["builtin"] is True
    assert main(["verify-report", str(out)]) == 0


def test_a_crashing_suite_is_inconclusive_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = _stand_ins(monkeypatch, crash="invariants")
    out = tmp_path / "out"
    assert main(["certify", "--target", "reference", "--seed", SEED, "--out", str(out)]) == 3
    assert ran == list(SUITES)
    verdicts = {r["id"]: r["verdict"] for r in _report(out)["requirements"]}
    assert {verdicts[rid] for rid in requirements_of("invariants")} == {"INCONCLUSIVE"}
    assert {verdicts[rid] for rid in requirements_of("security")} == {"PASS"}
    assert _report(out)["verdict"] == "INCONCLUSIVE"
    assert "Traceback" not in capsys.readouterr().err


def test_an_unreachable_target_is_inconclusive_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    argv = ["certify", "--target", f"http://127.0.0.1:{port}", "--admin-token", "t",
            "--seed", SEED, "--out", str(out)]
    assert main(argv) == 3
    report = _report(out)
    assert report["verdict"] == "INCONCLUSIVE" and report["target"]["problem"]["reason"]
    assert all(r["verdict"] == "INCONCLUSIVE" for r in report["requirements"])
    assert "not assessed: the target did not answer" in report["requirements"][0]["summary"][
        "text"]
    assert FILES <= {p.name for p in out.iterdir()}
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "expected"), [
    (["certify", "--target", "reference", "--lang", "xx"], "invalid choice: 'xx'"),
    (["certify", "--target", "reference", "--sign-key", "absent.pem"], "cannot read the signing"),
    (["certify", "--target", "reference", "--autorised-by", "x"], "did you mean --authorised-by"),
])
def test_certify_option_errors_are_one_line_with_exit_code_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err
    assert not (tmp_path / "reports").exists()


def test_certify_copies_the_validation_record_into_evidence_and_every_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from harness.validation import validate
    from tests.validation.test_matrix import perfect, stand_in

    _stand_ins(monkeypatch)
    validate("quick", tmp_path / "validation", runner=stand_in(perfect()), say=lambda _: None)
    out = tmp_path / "out"
    argv = ["certify", "--target", "reference", "--seed", SEED, "--out", str(out),
            "--validation", str(tmp_path / "validation")]
    assert main(argv) == 0
    evidence = json.loads((out / "evidence.json").read_text())
    record = evidence["validation"]["record"]
    assert record["defects_detected"] == record["defects"] > 0
    assert _report(out)["validation"] == evidence["validation"]
    line = evidence["validation"]["note"]["text"]
    assert f"{record['defects']} of {record['defects']} defects detected" in line
    assert line in (out / "report.html").read_text()
    assert f"Method validation: {line}" in (out / "summary.md").read_text()


def test_certify_without_a_validation_record_says_so_plainly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _stand_ins(monkeypatch)
    out = tmp_path / "out"
    monkeypatch.setenv("HARNESS_VALIDATION", str(tmp_path / "none-here"))
    assert main(["certify", "--target", "reference", "--seed", SEED, "--out", str(out)]) == 0
    evidence = json.loads((out / "evidence.json").read_text())
    assert evidence["validation"]["record"] is None
    assert "no validation record" in (out / "report.html").read_text()
    assert "Method validation: no validation record" in (out / "summary.md").read_text()


def test_a_single_suite_run_carries_no_validation_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _stand_ins(monkeypatch)
    out = tmp_path / "out"
    assert main(["security", "--target", "reference", "--seed", SEED, "--out", str(out)]) == 0
    assert "validation" not in json.loads((out / "evidence.json").read_text())
