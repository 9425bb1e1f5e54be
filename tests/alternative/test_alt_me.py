"""Every row and cell of the contract's ``/me`` table, and deposits judged by the same table."""

from __future__ import annotations

from _altkit import ADMIN, close_window
from _systems import expect_error, register_many

from harness.target import HttpTarget

ROUND = "ME-table"
AMOUNT = 300


def view(alt: HttpTarget, token: str) -> tuple[str, int | None, bool, bool]:
    """(status, reserve_rank, can_deposit, has a deposit) of one applicant."""
    body = alt.me(ROUND, token)
    assert isinstance(body["message"], str) and body["message"]
    return body["status"], body["reserve_rank"], body["can_deposit"], body["deposit"] is not None


def test_every_cell_of_the_table(alt: HttpTarget) -> None:
    alt.create_round(ROUND, 3, 3, AMOUNT)
    tokens = register_many(alt, ROUND, 9, first=400_000)
    everyone = list(tokens.values())
    for step in (None, "close", "commit"):  # registration, closed, committed: all registered
        if step == "close":
            alt.close_registration(ROUND)
        elif step == "commit":
            alt.commit(ROUND)
        assert {view(alt, t) for t in everyone} == {("registered", None, False, False)}
    results = alt.draw(ROUND, None)
    p = [tokens[a] for a in results["primary"]]
    r = [tokens[a] for a in results["reserve"]]
    others = [t for t in everyone if t not in p + r]
    assert len(others) == 3
    assert alt.deposit(ROUND, p[0], AMOUNT, "k").status_code == 201
    # drawn
    assert view(alt, p[0]) == ("primary", None, False, True)
    assert view(alt, p[1]) == ("primary", None, True, False)
    assert [view(alt, t) for t in r] == [("reserve", n, False, False) for n in (1, 2, 3)]
    assert {view(alt, t) for t in others} == {("not_selected", None, False, False)}
    reserve_message = alt.me(ROUND, r[1])["message"].lower()
    assert "reserve" in reserve_message and "2" in reserve_message
    expect_error(alt.deposit(ROUND, r[0], AMOUNT, "k"), 403, "not_entitled")
    expect_error(alt.deposit(ROUND, others[0], AMOUNT, "k"), 403, "not_entitled")
    # promotion: p1 and p2 forfeit, r0 and r1 are promoted
    assert close_window(alt, ROUND, "drawn").json()["promoted"] == results["reserve"][:2]
    assert view(alt, p[0]) == ("primary", None, False, True)
    assert view(alt, p[1]) == ("forfeited", None, False, False)
    assert view(alt, r[0]) == ("promoted", 1, True, False)
    assert view(alt, r[2]) == ("reserve", 3, False, False)
    expect_error(alt.deposit(ROUND, p[1], AMOUNT, "k"), 403, "not_entitled")
    expect_error(alt.deposit(ROUND, r[2], AMOUNT, "k"), 403, "not_entitled")
    expect_error(alt.deposit(ROUND, r[0], AMOUNT + 1, "k"), 422, "wrong_amount")
    assert alt.deposit(ROUND, r[0], AMOUNT, "k").status_code == 201
    assert view(alt, r[0]) == ("promoted", 1, False, True)
    assert view(alt, r[1]) == ("promoted", 2, True, False)
    assert {view(alt, t) for t in others} == {("not_selected", None, False, False)}
    # final
    close_window(alt, ROUND, "promotion")
    assert view(alt, p[0]) == ("primary", None, False, True)
    assert view(alt, p[2]) == ("forfeited", None, False, False)
    assert view(alt, r[0]) == ("promoted", 1, False, True)
    assert view(alt, r[1]) == ("forfeited", None, False, False)
    assert view(alt, r[2]) == ("reserve", 3, False, False)
    assert {view(alt, t) for t in others} == {("not_selected", None, False, False)}
    expect_error(alt.deposit(ROUND, r[1], AMOUNT, "k"), 409, "window_closed")


def test_me_answers_only_the_applicant_of_this_round(alt: HttpTarget) -> None:
    alt.create_round("ME-a", 1, 0, 5)
    alt.create_round("ME-b", 1, 0, 5)
    token = register_many(alt, "ME-a", 1, first=410_000).popitem()[1]
    expect_error(alt.request("GET", "/v1/rounds/ME-a/me"), 401, "unauthorized")
    expect_error(alt.request("GET", "/v1/rounds/ME-a/me", token="alt.nobody"), 401, "unauthorized")
    expect_error(alt.request("GET", "/v1/rounds/ME-b/me", token=token), 403, "forbidden")
    expect_error(alt.request("GET", "/v1/rounds/ME-a/me", token=ADMIN), 403, "forbidden")
    expect_error(alt.request("GET", "/v1/rounds/nowhere/me", token=token), 403, "forbidden")
    answer = alt.request("GET", "/v1/rounds/ME-a/me", token=token)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
