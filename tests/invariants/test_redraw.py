"""I-05 and a second draw: refused with the contract's 409 ``wrong_state`` (any message) it holds;
answered with other results it fails, naming both digests; a silent replacement seen on a later
read fails too. Scripted answers: no server."""

from __future__ import annotations

from typing import Any

import pytest
from _stub import Scripted, example

from harness.invariants.model import RoundModel
from harness.invariants.ops import ReadResults, Transition
from harness.invariants.violations import Broken

RID = "lab-test-l1-a"
PUBLISHED: dict[str, Any] = {
    "round_id": RID, "algorithm": "ACS-DRAW-1", "applicants": 3, "applicants_digest": "a" * 64,
    "seed_commitment": "c" * 64, "beacon_source": "", "server_seed": "5" * 64, "beacon": "",
    "seed": "1" * 64, "primary_slots": 1, "reserve_slots": 1, "primary": ["x"],
    "reserve": ["y"], "published_at": "2030-01-01T00:00:00Z", "results_digest": "d" * 64,
}
REDRAWN = dict(PUBLISHED, server_seed="6" * 64, seed="2" * 64, primary=["z"],
               results_digest="e" * 64, vendor_field="kept")


def _drawn(answer: tuple[int, Any]) -> tuple[Any, list[Any]]:
    ex, seen = example(Scripted(lambda *a: answer))
    r = RoundModel(RID, 1, 1, 100, state="drawn")
    r.results = dict(PUBLISHED)
    ex.world.rounds[RID] = r
    return ex, seen


@pytest.mark.parametrize("message", ["The round must be committed before it can be drawn.",
                                     "déjà tiré", ""])
def test_a_refused_second_draw_holds_whatever_the_message(message: str) -> None:
    ex, _ = _drawn((409, {"error": "wrong_state", "message": message}))
    ex.run(Transition(RID, "draw", ex.operator))
    assert ex.world.rounds[RID].results == PUBLISHED


def test_an_accepted_redraw_fails_i05_with_both_digests_and_the_request() -> None:
    ex, seen = _drawn((200, REDRAWN))
    with pytest.raises(Broken), ex.guard():
        ex.run(Transition(RID, "draw", ex.operator, beacon="ab"))
    (violation,) = seen
    assert violation.requirement == "I-05" and violation.message_id == "invariants.results_redrawn"
    assert violation.params["digest_before"] == "d" * 64
    assert violation.params["digest_after"] == "e" * 64
    assert violation.params["fields"] == "primary"
    request = ex.wire.trace.evidence()[violation.exchange - 1]
    assert request["method"] == "POST" and request["path"] == f"/v1/rounds/{RID}/draw"


def test_a_second_draw_answering_the_same_results_is_still_not_the_contracts_refusal() -> None:
    ex, seen = _drawn((200, dict(PUBLISHED, extra="fields are allowed")))
    with pytest.raises(Broken), ex.guard():
        ex.run(Transition(RID, "draw", ex.operator))
    assert seen[0].message_id == "invariants.unexpected_answer"
    assert seen[0].requirement == "I-05"


def test_a_refusal_that_silently_replaced_the_results_fails_on_the_next_read() -> None:
    answers = iter([(409, {"error": "wrong_state", "message": "no"}), (200, REDRAWN)])
    ex, seen = example(Scripted(lambda *a: next(answers)))
    r = RoundModel(RID, 1, 1, 100, state="drawn")
    r.results = dict(PUBLISHED)
    ex.world.rounds[RID] = r
    ex.run(Transition(RID, "draw", ex.operator))
    with pytest.raises(Broken), ex.guard():
        ex.run(ReadResults(RID))
    (violation,) = seen
    assert violation.message_id == "invariants.results_changed"
    assert (violation.params["digest_before"], violation.params["digest_after"]) == (
        "d" * 64, "e" * 64)
