"""A concurrent step passes when some serial order explains every answer, and the model goes on
from the order that does; answers no order explains are a violation of the step's requirement."""

from __future__ import annotations

import hashlib

import pytest
from _stub import Scripted, example

from harness.invariants.model import Applicant, RoundModel
from harness.invariants.ops import Transition
from harness.invariants.ops_money import CloseDeposits, Deposit
from harness.invariants.published import digest_of
from harness.invariants.violations import Broken

RID = "lab-test-l1-a"
WRONG_STATE = (409, {"error": "wrong_state", "message": "no"})
COMMITMENT = "ab" * 32


def _results() -> dict:
    return {"round_id": RID, "algorithm": "ACS-DRAW-1", "applicants": 3,
            "applicants_digest": digest_of(["A", "B", "C"]), "seed_commitment": COMMITMENT,
            "beacon_source": "", "server_seed": "11" * 32, "beacon": "", "seed": "22" * 32,
            "primary_slots": 1, "reserve_slots": 1, "primary": ["A"], "reserve": ["B"],
            "published_at": "2026-01-01T00:00:00Z",
            "results_digest": hashlib.sha256(b"x").hexdigest()}


def _round(ex, state: str) -> RoundModel:
    r = RoundModel(RID, 1, 1, 100, state=state)
    for n, name in enumerate("ABC"):
        r.applicants[name] = Applicant(name, f"tok-{name}", f"00000000{n + 1}9", RID, name)
    r.eligible, r.digest = ("A", "B", "C"), digest_of(["A", "B", "C"])
    r.commitment = {"seed_commitment": COMMITMENT, "beacon_source": ""}
    if state in ("drawn", "promotion"):
        r.results = _results()
    ex.world.rounds[RID] = r
    return r


def _alternating(*answers):
    queue = list(answers)

    def answer(method, path, body, headers):
        return queue.pop(0)

    return answer


def test_two_draws_at_once_one_wins_the_other_is_refused() -> None:
    ex, _ = example(Scripted(_alternating((200, _results()), WRONG_STATE)))
    r = _round(ex, "committed")
    draw = Transition(RID, "draw", "op-token")
    ex.together([draw, draw], "two draws at once")
    assert r is not ex.world.rounds[RID]  # the model moved on from a copy
    assert ex.world.rounds[RID].state == "drawn"


def test_two_draws_at_once_both_accepted_is_a_violation() -> None:
    ex, _ = example(Scripted(_alternating((200, _results()), (200, _results()))))
    _round(ex, "committed")
    draw = Transition(RID, "draw", "op-token")
    with pytest.raises(Broken) as caught:
        ex.together([draw, draw], "two draws at once")
    assert caught.value.violation.requirement == "I-05"
    assert caught.value.violation.message_id == "invariants.no_serial_order"


def _by_path(deposit, close):
    def answer(method, path, body, headers):
        return close if path.endswith("/deposits/close") else deposit

    return answer


DEPOSIT = (201, {"deposit_id": "d1", "applicant_id": "A", "amount": 100,
                 "created_at": "2026-01-01T00:00:01Z"})
NOT_ENTITLED = (403, {"error": "not_entitled", "message": "no"})


@pytest.mark.parametrize(("answers", "paid"), [
    ((DEPOSIT, (200, {"state": "promotion", "promoted": []})), True),  # deposit first
    ((NOT_ENTITLED, (200, {"state": "promotion", "promoted": ["B"]})), False),  # close first
])
def test_a_deposit_racing_the_close_may_land_on_either_side(answers, paid: bool) -> None:
    ex, _ = example(Scripted(_by_path(*answers)))
    _round(ex, "drawn")
    ops = [Deposit(RID, "A", "k1", 100), CloseDeposits(RID, "drawn", "op-token")]
    ex.together(ops, "a deposit racing the window's close")
    after = ex.world.rounds[RID]
    assert after.state == "promotion" and ("A" in after.deposits) == paid
    assert after.promoted == (() if paid else ("B",))


def test_a_deposit_accepted_but_forfeited_by_the_close_is_a_violation() -> None:
    ex, _ = example(Scripted(_by_path(DEPOSIT, (200, {"state": "promotion",
                                                      "promoted": ["B"]}))))
    _round(ex, "drawn")
    ops = [Deposit(RID, "A", "k1", 100), CloseDeposits(RID, "drawn", "op-token")]
    with pytest.raises(Broken):
        ex.together(ops, "a deposit racing the window's close")


def test_a_retry_may_find_its_original_in_flight_but_not_both() -> None:
    in_progress = (409, {"error": "request_in_progress", "message": "wait"})
    ex, _ = example(Scripted(_alternating(in_progress, DEPOSIT)))
    _round(ex, "drawn")
    pay = Deposit(RID, "A", "k1", 100)
    ex.together([pay, pay], "a deposit and its retry at once")
    assert "A" in ex.world.rounds[RID].deposits
    ex2, _ = example(Scripted(_alternating(in_progress, in_progress)))
    _round(ex2, "drawn")
    with pytest.raises(Broken):
        ex2.together([pay, pay], "a deposit and its retry at once")
