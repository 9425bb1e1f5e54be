"""Which failing example a FAIL shows: the one with the fewest requests of all that failed, since
hypothesis shrinks by its own choices, not by what an example sends; and whether it reproduced."""

from __future__ import annotations

import pytest
from _kit import SMALL
from _stub import Scripted

from harness.invariants import engine as engine_module
from harness.invariants.engine import Engine
from harness.invariants.engine import TestBudget as Budget
from harness.invariants.example import RunIds
from harness.invariants.outcome import requirement_results
from harness.invariants.violations import Violation
from harness.invariants.wire import Call, Wire


def _engine() -> Engine:
    transport = Scripted(lambda method, path, body, headers: (200, {"ok": True}))
    wire = Wire(transport, retries=0, retry_after_cap=0.01, clones=transport.clone)
    engine = Engine(wire, "op-token", RunIds(lambda p: f"lab-test-{p}", 1000, 20), seed=1)
    engine._arm(Budget(examples=10, time_bound_s=60, shrink_time_bound_s=60))
    return engine


def _fails(engine: Engine, requests: int, final: bool, monkeypatch) -> None:
    """An example that sends ``requests`` reads, then is found to break I-04."""
    monkeypatch.setattr(engine_module, "_is_final_replay", lambda: final)
    ex = engine.start("lifecycle")
    assert ex is not None
    for n in range(requests):
        ex.wire.send(f"read {n}", Call("GET", f"/v1/rounds/r/{n}"), "I-04")
    engine._broken(ex, Violation.of("I-04", "test.promotion", "promoted out of rank order",
                                    exchange=requests))
    engine.finished(ex)


def _shown(engine: Engine) -> tuple[dict, dict]:
    (failed,) = [r for r in requirement_results(engine, SMALL)
                 if r.verdict.value == "FAIL"]
    return failed.findings[0].evidence, {m.name: m.value for m in failed.measurements}


@pytest.mark.parametrize(("sizes", "shown"), [
    ((50, 52, 47), 47),  # hypothesis's final replay is the smallest: it is shown
    ((50, 44, 47), 44),  # a candidate tried while shrinking sent fewer: it is shown
    ((46, 52, 47), 46),  # nothing shrank below the first failure: the first is shown
])
def test_the_failure_with_the_fewest_requests_is_shown(sizes, shown, monkeypatch) -> None:
    engine = _engine()
    first, shrinking, final = sizes
    _fails(engine, first, False, monkeypatch)
    _fails(engine, shrinking, False, monkeypatch)
    _fails(engine, final, True, monkeypatch)
    evidence, measured = _shown(engine)
    assert measured["example_requests"] == len(evidence["requests"]) == shown
    assert measured["first_failure_requests"] == first and measured["failing_examples"] == 3
    assert evidence["reproduced"] is True
    assert evidence["shrunk"] is (shown != first)
    assert evidence["curl"].count("curl -sS") == shown
    if shown == final:
        assert "final_replay" not in evidence and "note" not in evidence
    else:
        assert evidence["final_replay"]["requests"] == final
    if shown == first:
        assert evidence["note"].startswith("shrinking found no failing example with fewer")
    elif shown == shrinking:
        assert evidence["note"].endswith("seen failing while shrinking, sends fewer requests")


def test_a_tie_goes_to_the_final_replay(monkeypatch) -> None:
    engine = _engine()
    _fails(engine, 30, False, monkeypatch)
    _fails(engine, 30, True, monkeypatch)
    evidence, _ = _shown(engine)
    assert evidence["example"] == "lifecycle 2" and evidence["shrunk"] is True
    assert "final_replay" not in evidence and "note" not in evidence


def test_a_failure_whose_replay_passes_is_shown_unshrunk_and_not_reproduced(monkeypatch) -> None:
    engine = _engine()
    _fails(engine, 20, False, monkeypatch)
    evidence, _ = _shown(engine)
    assert evidence["shrunk"] is False and evidence["reproduced"] is False
    assert evidence["note"].endswith("the first failing example, unshrunk")
