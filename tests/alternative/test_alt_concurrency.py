"""Concurrent deposits, transitions and registrations on the alternative: one winner each time."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from _altkit import ADMIN, close_window
from _systems import drawn_round, expect_error, national_id

from harness.target import HttpTarget

AMOUNT = 1000


def together(count: int, action: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run ``action(i)`` from ``count`` threads released at the same moment."""
    gate = threading.Barrier(count)

    def run(i: int) -> httpx.Response:
        gate.wait()
        return action(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def codes(responses: list[httpx.Response]) -> Counter[tuple[int, str]]:
    return Counter(
        (r.status_code, r.json().get("error", "") if r.status_code >= 400 else "")
        for r in responses
    )


@pytest.mark.slow
def test_a_deposit_storm_leaves_exactly_one_deposit_per_entitled_applicant(
    alt: HttpTarget,
) -> None:
    tokens, results = drawn_round(alt, "CC-storm", 80, 30, 10, AMOUNT, first=500_000)
    everyone = list(tokens)
    # each applicant: the same key three times and two other keys, all at once, 16 threads
    plan = [(a, key) for a in everyone for key in ("same", "same", "same", "other-1", "other-2")]
    answers = _storm(alt, tokens, plan)
    primaries = set(results["primary"])
    created = Counter(a for (a, _), r in zip(plan, answers, strict=True) if r.status_code == 201)
    assert created == Counter({a: 1 for a in primaries})
    for (applicant, _), answer in zip(plan, answers, strict=True):
        if applicant in primaries:
            assert answer.status_code in (200, 201, 409), answer.text
            if answer.status_code == 409:
                assert answer.json()["error"] in ("already_deposited", "request_in_progress")
        elif answer.status_code == 409:  # its twin with the same key was still running
            expect_error(answer, 409, "request_in_progress")
        else:
            expect_error(answer, 403, "not_entitled")
    ledger = alt.ledger("CC-storm")
    assert sorted(entry["applicant_id"] for entry in ledger) == sorted(primaries)
    acknowledged = {r.json()["deposit_id"] for r in answers if r.status_code in (200, 201)}
    assert acknowledged == {entry["deposit_id"] for entry in ledger}


def _storm(
    alt: HttpTarget, tokens: dict[str, str], plan: list[tuple[str, str]]
) -> list[httpx.Response]:
    def one(step: tuple[str, str]) -> httpx.Response:
        applicant, key = step
        return alt.deposit("CC-storm", tokens[applicant], AMOUNT, key)

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, plan))


def test_of_concurrent_draws_exactly_one_succeeds(alt: HttpTarget) -> None:
    alt.create_round("CC-draw", 3, 2, 10)
    for i in range(12):
        alt.register("CC-draw", national_id(510_000 + i), "N", "R")
    closes = together(8, lambda i: alt.request("POST", "/v1/rounds/CC-draw/close", token=ADMIN))
    assert codes(closes) == Counter({(200, ""): 1, (409, "wrong_state"): 7})
    commits = together(8, lambda i: alt.request("POST", "/v1/rounds/CC-draw/commit", token=ADMIN,
                                                json={"beacon_source": f"source {i}"}))
    assert codes(commits) == Counter({(200, ""): 1, (409, "wrong_state"): 7})
    draws = together(8, lambda i: alt.request("POST", "/v1/rounds/CC-draw/draw", token=ADMIN,
                                              json={"beacon": f"{i:02x}"}))
    assert codes(draws) == Counter({(200, ""): 1, (409, "wrong_state"): 7})
    winner = next(r.json() for r in draws if r.status_code == 200)
    assert alt.results("CC-draw") == winner
    assert [e["event"] for e in alt.audit("CC-draw")] == [
        "round_created", "closed", "committed", "drawn"]


def test_of_concurrent_window_closes_exactly_one_succeeds(alt: HttpTarget) -> None:
    drawn_round(alt, "CC-window", 10, 3, 3, AMOUNT, first=520_000)
    first = together(6, lambda i: close_window(alt, "CC-window", "drawn"))
    assert codes(first) == Counter({(200, ""): 1, (409, "wrong_state"): 5})
    second = together(6, lambda i: close_window(alt, "CC-window", "promotion"))
    assert codes(second) == Counter({(200, ""): 1, (409, "wrong_state"): 5})
    assert alt.promotions("CC-window") == alt.results("CC-window")["reserve"]


def test_concurrent_registrations_of_one_person_leave_one(alt: HttpTarget) -> None:
    alt.create_round("CC-reg", 1, 1, 10)
    body = {"national_id": national_id(530_000), "name": "Twin", "region": "R"}
    answers = together(10, lambda i: alt.request("POST", "/v1/rounds/CC-reg/registrations",
                                                 json=body))
    assert codes(answers) == Counter({(201, ""): 1, (409, "duplicate_registration"): 9})
    assert alt.get_round("CC-reg")["applicants"] == 1


def test_a_person_pays_in_only_one_of_two_rounds_open_at_once(alt: HttpTarget) -> None:
    """Everyone is a primary in both rounds; each person races a deposit in both."""
    people = 6
    tokens_a, _ = drawn_round(alt, "CC-A", people, people, 0, AMOUNT, first=540_000)
    tokens_b, _ = drawn_round(alt, "CC-B", people, people, 0, AMOUNT, first=540_000)
    by_person_a, by_person_b = _by_person(tokens_a), _by_person(tokens_b)
    for n in range(people):
        pair = (("CC-A", by_person_a[n]), ("CC-B", by_person_b[n]))
        answers = together(2, lambda i, pair=pair: alt.deposit(pair[i][0], pair[i][1], AMOUNT,
                                                                "k"))
        assert codes(answers) == Counter({(201, ""): 1, (403, "previous_winner"): 1})
        loser = pair[1] if answers[0].status_code == 201 else pair[0]
        mine = alt.me(loser[0], loser[1])
        assert mine["status"] == "primary" and mine["can_deposit"] is False
    alt.create_round("CC-C", 1, 0, AMOUNT)
    again = {"national_id": national_id(540_000), "name": "Again", "region": "R"}
    expect_error(alt.request("POST", "/v1/rounds/CC-C/registrations", json=again), 403,
                 "previous_winner")
    assert len(alt.ledger("CC-A")) + len(alt.ledger("CC-B")) == people


def _by_person(tokens: dict[str, str]) -> list[str]:
    """Tokens in person order: ``register_many`` registers ``first + i`` and keeps that order."""
    return list(tokens.values())


def test_promotion_does_not_skip_a_reserve_who_paid_elsewhere(alt: HttpTarget) -> None:
    """A reserve whose person already paid in another round is promoted and forfeits."""
    tokens_x, results_x = drawn_round(alt, "CC-X", 3, 1, 2, AMOUNT, first=550_000)
    tokens_y, results_y = drawn_round(alt, "CC-Y", 3, 3, 0, AMOUNT, first=550_000)
    persons_x, persons_y = _by_person(tokens_x), _by_person(tokens_y)
    first_reserve = results_x["reserve"][0]
    person = persons_x.index(tokens_x[first_reserve])
    assert alt.deposit("CC-Y", persons_y[person], AMOUNT, "k").status_code == 201
    promoted = close_window(alt, "CC-X", "drawn").json()["promoted"]
    assert promoted == [first_reserve]
    mine = alt.me("CC-X", tokens_x[first_reserve])
    assert (mine["status"], mine["can_deposit"]) == ("promoted", False)
    expect_error(alt.deposit("CC-X", tokens_x[first_reserve], AMOUNT, "k"), 403, "previous_winner")
    close_window(alt, "CC-X", "promotion")
    assert alt.me("CC-X", tokens_x[first_reserve])["status"] == "forfeited"
    assert results_y["primary"]
