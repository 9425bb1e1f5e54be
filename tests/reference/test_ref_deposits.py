"""Deposit decisions in the contract's order, idempotency, and the /me table in every state."""

from __future__ import annotations

from typing import Any

import pytest
from _refkit import ADMIN
from _systems import drawn_round, expect_error, national_id
from _transports import app_of

from harness.target import HttpTarget

RID = "R-dep"
AMOUNT = 700


@pytest.fixture
def drawn(target: HttpTarget) -> tuple[HttpTarget, dict[str, str], dict[str, Any]]:
    tokens, result = drawn_round(target, RID, 12, 3, 3, AMOUNT)
    return target, tokens, result


def service_of(target: HttpTarget) -> Any:
    return app_of(target).state.service


def test_deposit_decision_order(drawn: tuple[HttpTarget, dict[str, str], dict[str, Any]]) -> None:
    t, tokens, result = drawn
    primary, reserve = result["primary"][0], result["reserve"][0]
    loser = next(a for a in tokens if a not in result["primary"] + result["reserve"])
    path = f"/v1/rounds/{RID}/deposits"
    t.create_round("R-x", 1, 0, 5)
    stranger = t.register("R-x", national_id(999_999), "S", "X")["token"]

    def pay(token: str | None, key: str | None, body: Any = None, raw: bytes | None = None):
        headers = {} if key is None else {"Idempotency-Key": key}
        if raw is not None:
            return t.request("POST", path, token=token, headers=headers, content=raw)
        return t.request("POST", path, token=token, headers=headers,
                         json={"amount": AMOUNT} if body is None else body)

    expect_error(pay(None, None, raw=b"{"), 401, "unauthorized")
    expect_error(pay("unknown", None, raw=b"{"), 401, "unauthorized")
    expect_error(pay(stranger, None, raw=b"{"), 403, "forbidden")
    expect_error(pay(ADMIN, "k"), 403, "forbidden")
    for key in (None, "", "k" * 201):
        expect_error(pay(tokens[primary], key, raw=b"{"), 400, "idempotency_key_required")
    for body in ({"amount": "700"}, {"amount": 0}, {"amount": True}, {}, [700]):
        expect_error(pay(tokens[primary], "k1", body), 422, "invalid_request")
    # entitlement comes before the amount
    expect_error(pay(tokens[reserve], "k1", {"amount": 1}), 403, "not_entitled")
    expect_error(pay(tokens[loser], "k1"), 403, "not_entitled")
    expect_error(pay(tokens[primary], "k1", {"amount": AMOUNT + 1}), 422, "wrong_amount")
    first = pay(tokens[primary], "k1" * 100)
    assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
    replay = pay(tokens[primary], "k1" * 100)
    assert replay.status_code == 200 and replay.json() == first.json()
    expect_error(pay(tokens[primary], "k1" * 100, {"amount": 1}), 422, "idempotency_mismatch")
    expect_error(pay(tokens[primary], "k2", {"amount": 1}), 409, "already_deposited")
    ledger = t.ledger(RID)
    assert [e["deposit_id"] for e in ledger] == [first.json()["deposit_id"]]
    assert ledger[0]["idempotency_key"] == "k1" * 100


def test_window_closed_before_draw_and_after_final(target: HttpTarget) -> None:
    target.create_round(RID, 1, 0, AMOUNT)
    token = target.register(RID, national_id(100_001), "A", "B")["token"]
    expect_error(target.deposit(RID, token, 1, "k"), 409, "window_closed")
    target.close_registration(RID)
    target.commit(RID)
    expect_error(target.deposit(RID, token, AMOUNT, "k"), 409, "window_closed")
    target.draw(RID)
    target.close_deposits(RID, "drawn")
    target.close_deposits(RID, "promotion")
    expect_error(target.deposit(RID, token, AMOUNT, "k"), 409, "window_closed")
    for state in ("drawn", "promotion"):
        closing = {"expected_state": state}
        expect_error(target.request("POST", f"/v1/rounds/{RID}/deposits/close", token=ADMIN,
                                    json=closing), 409, "wrong_state")


def test_retry_while_original_runs_is_request_in_progress(
    drawn: tuple[HttpTarget, dict[str, str], dict[str, Any]],
) -> None:
    t, tokens, result = drawn
    primary = result["primary"][0]
    with service_of(t).in_flight.claim((RID, primary, "same"), AMOUNT) as running:
        assert running is None
        expect_error(t.deposit(RID, tokens[primary], AMOUNT, "same"), 409, "request_in_progress")
        expect_error(t.deposit(RID, tokens[primary], 1, "same"), 422, "idempotency_mismatch")
    assert t.deposit(RID, tokens[primary], AMOUNT, "same").status_code == 201


def me(t: HttpTarget, token: str) -> tuple[str, int | None, bool, bool]:
    body = t.me(RID, token)
    assert body["message"]
    return body["status"], body["reserve_rank"], body["can_deposit"], body["deposit"] is not None


def test_me_table_in_every_state(target: HttpTarget) -> None:
    t = target
    t.create_round(RID, 3, 3, AMOUNT)
    tokens = {}
    for i in range(10):
        body = t.register(RID, national_id(200_000 + i), "N", "R")
        tokens[body["applicant_id"]] = body["token"]
    for step in (None, "close", "commit"):
        if step == "close":
            t.close_registration(RID)
        elif step == "commit":
            t.commit(RID)
        assert {me(t, tok) for tok in tokens.values()} == {("registered", None, False, False)}
    result = t.draw(RID)
    p, r = result["primary"], result["reserve"]
    others = [a for a in tokens if a not in p + r]
    assert t.deposit(RID, tokens[p[0]], AMOUNT, "k").status_code == 201
    assert me(t, tokens[p[0]]) == ("primary", None, False, True)
    assert me(t, tokens[p[1]]) == ("primary", None, True, False)
    assert [me(t, tokens[a]) for a in r] == [("reserve", k, False, False) for k in (1, 2, 3)]
    assert {me(t, tokens[a]) for a in others} == {("not_selected", None, False, False)}
    assert t.close_deposits(RID, "drawn") == {"state": "promotion", "promoted": r[:2]}
    assert t.promotions(RID) == r[:2]
    assert me(t, tokens[p[0]]) == ("primary", None, False, True)
    assert me(t, tokens[p[1]]) == ("forfeited", None, False, False)
    expect_error(t.deposit(RID, tokens[p[1]], AMOUNT, "k"), 403, "not_entitled")
    assert me(t, tokens[r[0]]) == ("promoted", 1, True, False)
    assert t.deposit(RID, tokens[r[0]], AMOUNT, "k").status_code == 201
    assert me(t, tokens[r[0]]) == ("promoted", 1, False, True)
    assert me(t, tokens[r[2]]) == ("reserve", 3, False, False)
    assert t.close_deposits(RID, "promotion") == {"state": "final", "promoted": []}
    assert me(t, tokens[p[0]]) == ("primary", None, False, True)
    assert me(t, tokens[p[1]]) == ("forfeited", None, False, False)
    assert me(t, tokens[r[0]]) == ("promoted", 1, False, True)
    assert me(t, tokens[r[1]]) == ("forfeited", None, False, False)
    assert me(t, tokens[r[2]]) == ("reserve", 3, False, False)
    assert {me(t, tokens[a]) for a in others} == {("not_selected", None, False, False)}
    reserve_message = t.me(RID, tokens[r[2]])["message"].lower()
    assert "reserve" in reserve_message and "3" in reserve_message
    assert t.get_round(RID)["state"] == "final"


def test_promotion_stops_when_reserves_run_out(target: HttpTarget) -> None:
    tokens, result = drawn_round(target, RID, 5, 3, 1, AMOUNT)
    closed = target.close_deposits(RID, "drawn")
    assert closed == {"state": "promotion", "promoted": result["reserve"]}


def close(t: HttpTarget, rid: str, body: Any = None, token: str | None = ADMIN, **kw: Any):
    return t.request("POST", f"/v1/rounds/{rid}/deposits/close", token=token, json=body, **kw)


def test_deposits_close_decision_order(
    drawn: tuple[HttpTarget, dict[str, str], dict[str, Any]],
) -> None:
    """401, 403, 404, 422 invalid_request, 409 wrong_state."""
    t, tokens, _ = drawn
    applicant = next(iter(tokens.values()))
    expect_error(close(t, RID, None, token=None), 401, "unauthorized")
    expect_error(close(t, RID, None, token="unknown"), 401, "unauthorized")
    expect_error(close(t, RID, None, token=applicant), 403, "forbidden")
    expect_error(close(t, "nope", None), 404, "not_found")
    for body in (None, {}, {"expected_state": "final"}, {"expected_state": "DRAWN"},
                 {"expected_state": ["drawn"]}, {"expected_state": None}, ["drawn"], "drawn"):
        expect_error(close(t, RID, body), 422, "invalid_request")
    expect_error(close(t, RID, content=b"{"), 422, "invalid_request")
    expect_error(close(t, RID, {"expected_state": "promotion"}), 409, "wrong_state")
    t.create_round("R-open", 1, 1, AMOUNT)
    expect_error(close(t, "R-open", {}), 422, "invalid_request")
    expect_error(close(t, "R-open", {"expected_state": "drawn"}), 409, "wrong_state")
    assert t.get_round(RID)["state"] == "drawn" and t.promotions(RID) == []


def test_a_retried_close_moves_drawn_to_promotion_once(
    drawn: tuple[HttpTarget, dict[str, str], dict[str, Any]],
) -> None:
    t, _, result = drawn
    first = close(t, RID, {"expected_state": "drawn"})
    assert first.status_code == 200
    assert first.json() == {"state": "promotion", "promoted": result["reserve"]}
    expect_error(close(t, RID, {"expected_state": "drawn"}), 409, "wrong_state")
    assert t.get_round(RID)["state"] == "promotion"
    assert t.promotions(RID) == result["reserve"]
    events = [e["event"] for e in t.audit(RID)]
    assert events.count("promotion") == 1 and "final" not in events


def two_rounds_with_the_same_people(
    t: HttpTarget, people: list[int], slots_b: tuple[int, int]
) -> tuple[dict[int, str], dict[int, str], dict[str, Any]]:
    """Rounds R-a (everyone primary) and R-b, both drawn and open at once, with the same
    people; returns tokens by person in each and R-b's results."""
    tokens: dict[str, dict[int, str]] = {"R-a": {}, "R-b": {}}
    for rid, (k, r) in (("R-a", (len(people), 0)), ("R-b", slots_b)):
        t.create_round(rid, k, r, AMOUNT)
        for n in people:
            tokens[rid][n] = t.register(rid, national_id(n), "Twice", "East")["token"]
        t.close_registration(rid)
        t.commit(rid)
    t.draw("R-a")
    return tokens["R-a"], tokens["R-b"], t.draw("R-b")


def test_a_person_who_paid_in_another_open_round_is_a_previous_winner(target: HttpTarget) -> None:
    t = target
    in_a, in_b, _ = two_rounds_with_the_same_people(t, [300_001, 300_002], (2, 0))
    person = 300_001
    assert t.deposit("R-a", in_a[person], AMOUNT, "k").status_code == 201
    me_b = t.me("R-b", in_b[person])
    assert (me_b["status"], me_b["can_deposit"]) == ("primary", False)
    assert "another round" in me_b["message"]
    assert t.me("R-b", in_b[300_002])["can_deposit"] is True
    # previous_winner comes before wrong_amount, and a refusal leaves nothing behind
    expect_error(t.deposit("R-b", in_b[person], AMOUNT + 1, "k"), 403, "previous_winner")
    expect_error(t.deposit("R-b", in_b[person], AMOUNT, "k"), 403, "previous_winner")
    assert t.ledger("R-b") == []
    # not_entitled comes before previous_winner: forfeited in R-b once its window closes
    t.close_deposits("R-b", "drawn")
    expect_error(t.deposit("R-b", in_b[person], AMOUNT, "k2"), 403, "not_entitled")
    # the one deposit in R-a is still replayable there
    assert t.deposit("R-a", in_a[person], AMOUNT, "k").status_code == 200


def test_promotion_does_not_skip_a_reserve_who_paid_elsewhere(target: HttpTarget) -> None:
    """Both people paid in R-a; in R-b one is primary, one reserve. The primary cannot pay and
    forfeits; the reserve is promoted all the same, cannot pay either, and forfeits."""
    t = target
    people = [310_001, 310_002]
    in_a, in_b, result = two_rounds_with_the_same_people(t, people, (1, 1))
    for n in people:
        assert t.deposit("R-a", in_a[n], AMOUNT, f"a-{n}").status_code == 201
    by_applicant = {t.me("R-b", in_b[n])["applicant_id"]: in_b[n] for n in people}
    reserve_token = by_applicant[result["reserve"][0]]
    assert t.close_deposits("R-b", "drawn") == {"state": "promotion",
                                                 "promoted": result["reserve"]}
    promoted = t.me("R-b", reserve_token)
    assert (promoted["status"], promoted["reserve_rank"], promoted["can_deposit"]) == (
        "promoted", 1, False)
    expect_error(t.deposit("R-b", reserve_token, AMOUNT, "k"), 403, "previous_winner")
    t.close_deposits("R-b", "promotion")
    assert t.me("R-b", reserve_token)["status"] == "forfeited"
    final = next(e for e in t.audit("R-b") if e["event"] == "final")
    assert final["data"]["forfeited"] == result["reserve"]
    assert t.ledger("R-b") == []
