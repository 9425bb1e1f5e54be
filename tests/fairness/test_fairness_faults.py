"""A target that misbehaves gets INCONCLUSIVE or FAIL with evidence, never a traceback or a hang.

Each test puts a fault-injecting proxy in front of a correct reference, so the fault is the only
thing wrong, and runs ``harness fairness`` against the proxy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _faultproxy import Answer, Rule, fault_proxy
from _suitekit import SKIP_BATTERY, run_fairness_command, small_profile, verdicts

from harness.launcher import LaunchedTarget, launch

pytestmark = pytest.mark.slow
LAB_DRAWS = r"/v1/lab/rounds/lab-[0-9a-f]{8}-pop0/draws"
POP_LIST = r"/v1/rounds/lab-[0-9a-f]{8}-pop0/applicants"


@pytest.fixture(scope="module")
def reference() -> Iterator[LaunchedTarget]:
    with launch("reference", lab=True) as target:
        yield target


def run_behind(reference: LaunchedTarget, rules: list[Rule], tmp_path: Path,
               deadline: float = 30.0) -> tuple[int, dict, dict]:
    # One reference serves every test: each needs its own seed, or its rounds already exist.
    seed = hashlib.sha256(tmp_path.name.encode()).hexdigest()
    with fault_proxy(reference.base_url, [*rules, SKIP_BATTERY]) as url:
        return run_fairness_command(
            ["--target", url, "--admin-token", reference.admin_token, "--seed", seed,
             "--profile", small_profile(tmp_path, deadline)], tmp_path / "out")


def uniformity(report: dict) -> set[str]:
    return {verdicts(report)[rid] for rid in ("F-01", "F-02", "F-03", "F-04", "F-05")}


def error_status(status: int) -> Rule:
    return Rule("POST", LAB_DRAWS, lambda a: (status, {"Content-Type": "text/html"},
                                              b"<h1>Internal Server Error</h1>"))


def test_a_5xx_on_lab_draws_is_inconclusive_with_the_exchange(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    code, report, _ = run_behind(reference, [error_status(500)], tmp_path)
    assert code == 3 and uniformity(report) == {"INCONCLUSIVE"}
    assert verdicts(report)["F-07"] == "INCONCLUSIVE"
    f01 = report["requirements"][0]
    runs = f01["evidence"]["populations"]
    assert next(iter(runs.values()))["error"]["status"] == 500


def test_malformed_json_on_lab_draws_is_inconclusive(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    garbage = Rule("POST", LAB_DRAWS, lambda a: (200, {"Content-Type": "application/json"},
                                                 b'{"draws": [{"seed": '))
    code, report, _ = run_behind(reference, [garbage], tmp_path)
    assert code == 3 and uniformity(report) == {"INCONCLUSIVE"}


def test_a_target_slower_than_the_deadline_is_inconclusive_not_a_hang(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    slow = Rule("POST", LAB_DRAWS, lambda a: a, delay=4.0)
    code, report, _ = run_behind(reference, [slow], tmp_path, deadline=1.0)
    assert code == 3 and uniformity(report) == {"INCONCLUSIVE"}
    f01 = report["requirements"][0]
    assert next(iter(f01["evidence"]["populations"].values()))["error"]["kind"] == "timeout"


def test_a_dropped_connection_is_inconclusive(reference: LaunchedTarget, tmp_path: Path) -> None:
    code, report, _ = run_behind(reference, [Rule("POST", LAB_DRAWS, lambda a: None)], tmp_path)
    assert code == 3 and uniformity(report) == {"INCONCLUSIVE"}


def _with_phantom(answer: Answer) -> Answer:
    status, headers, body = answer
    return status, headers, body + b"phantom-applicant\n"


def test_a_published_list_with_an_id_nobody_registered_fails_f01(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    code, report, _ = run_behind(reference, [Rule("GET", POP_LIST, _with_phantom)], tmp_path)
    assert code == 1 and verdicts(report)["F-01"] == "FAIL"
    f01 = report["requirements"][0]
    assert f01["findings"][0]["evidence"]["published_list"]["unknown"] == ["phantom-applicant"]
    assert {verdicts(report)[r] for r in ("F-02", "F-03", "F-04", "F-05")} == {"INCONCLUSIVE"}


def _drop_first_line(answer: Answer) -> Answer:
    status, headers, body = answer
    return status, headers, body.split(b"\n", 1)[1]


def test_a_published_list_missing_an_acknowledged_id_fails_f01(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    code, report, _ = run_behind(reference, [Rule("GET", POP_LIST, _drop_first_line)], tmp_path)
    assert code == 1 and verdicts(report)["F-01"] == "FAIL"
    evidence = report["requirements"][0]["findings"][0]["evidence"]["published_list"]
    assert evidence["missing_count"] == 1


def _unknown_winner(answer: Answer) -> Answer:
    status, headers, body = answer
    data = json.loads(body)
    data["draws"][0]["primary"][0] = "not-in-the-list"
    return status, headers, json.dumps(data).encode()


def test_a_practice_draw_naming_an_unknown_id_fails_f01(
    reference: LaunchedTarget, tmp_path: Path
) -> None:
    code, report, _ = run_behind(reference, [Rule("POST", LAB_DRAWS, _unknown_winner)], tmp_path)
    assert code == 1 and verdicts(report)["F-01"] == "FAIL"
    assert "not-in-the-list" in report["requirements"][0]["summary"]["text"]
