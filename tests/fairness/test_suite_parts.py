"""The fairness suite's own wiring: a crashing part, lab-mode detection, results without lab."""

from __future__ import annotations

from _transports import stub_target

from harness.fairness.suite import _contained, _lab_mode, _without_lab
from harness.results import Message, RequirementResult
from harness.target import HttpTarget
from harness.verdict import Verdict


def answering(status: int, body: bytes) -> HttpTarget:
    kind = "application/octet-stream" if status == 200 else "application/json"
    return stub_target(lambda request: (status, {"Content-Type": kind}, body), "op")


def test_a_part_that_crashes_leaves_only_its_requirements_inconclusive() -> None:
    def broken() -> dict[str, RequirementResult]:
        raise KeyError("plots")

    results = _contained(("F-06",), broken)
    assert list(results) == ["F-06"] and results["F-06"].verdict is Verdict.INCONCLUSIVE
    assert results["F-06"].evidence["error"]["type"] == "KeyError"
    fine = RequirementResult.of("F-06", Verdict.FAIL, Message.of("x", "replay differs"))
    assert _contained(("F-06",), lambda: {"F-06": fine}) == {"F-06": fine}


def test_lab_mode_is_told_from_the_contracts_404_and_from_a_broken_endpoint() -> None:
    assert _lab_mode(answering(200, b"\x00" * 32)) == (True, None)
    assert _lab_mode(answering(404, b'{"error": "not_found", "message": "no"}')) == (False, None)
    lab, error = _lab_mode(answering(500, b"oops"))
    assert lab is None and error is not None and error["status"] == 500
    reasons = _without_lab(lab, error)
    assert set(reasons) == {"F-01", "F-02", "F-03", "F-04", "F-05", "F-07"}
    assert reasons["F-07"].summary.id == "fairness.lab_probe_failed"
