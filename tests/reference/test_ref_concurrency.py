"""(b) and (c): the database keeps the invariants when requests race, against a real server
process on SQLite and on PostgreSQL.

(b) 300 threads hammer deposits (duplicates, same-key retries) for 100 primaries, 50 reserves and
50 others. (c) concurrent transitions: of two identical transitions exactly one wins; deposits
racing the window's close never leave an applicant both forfeited and paid, and paid primaries
plus promoted never exceed the primary slots.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from _refkit import ADMIN, running_server
from _systems import drawn_round, national_id, register_many, thread_clones, verify_chain

from harness.target import HttpTarget

pytestmark = pytest.mark.slow

AMOUNT = 900


def in_parallel(count: int, work: Callable[[int, httpx.Client], Any], base_url: str) -> list[Any]:
    """Run ``work(i, client)`` in ``count`` threads released together by a barrier.

    One client (its pool holds a connection per thread) is shared: building an httpx client per
    thread costs more CPU than the requests themselves.
    """
    barrier = threading.Barrier(count)
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    with httpx.Client(base_url=base_url, timeout=120, limits=limits) as client:

        def run(i: int) -> Any:
            barrier.wait()
            return work(i, client)

        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(run, range(count)))


def deposit(client: httpx.Client, rid: str, token: str, key: str) -> httpx.Response:
    return client.post(f"/v1/rounds/{rid}/deposits", json={"amount": AMOUNT},
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def test_deposit_storm_keeps_one_deposit_per_paying_winner(server: str) -> None:
    rid = "R-storm"
    with HttpTarget(server, ADMIN) as t:
        tokens, result = drawn_round(t, rid, 200, 100, 50, AMOUNT)
        applicants = sorted(tokens)
        primary = set(result["primary"])

        def hammer(i: int, client: httpx.Client) -> list[tuple[str, str, int, dict[str, Any]]]:
            applicant = applicants[i % len(applicants)]
            seen = []
            for attempt in range(3):
                key = f"{applicant}:{(i // len(applicants) + attempt) % 2}"
                response = deposit(client, rid, tokens[applicant], key)
                seen.append((applicant, key, response.status_code, response.json()))
            return seen

        outcomes = [o for batch in in_parallel(300, hammer, server) for o in batch]
        ledger = {e["applicant_id"]: e for e in t.ledger(rid)}
        assert set(ledger) == primary  # one per paying winner, none from anyone else
        assert len(t.ledger(rid)) == len(primary)
        for applicant, key, status, body in outcomes:
            if applicant not in primary:
                # a same-key retry overlapping its original is told so before any judgement
                assert (status, body["error"]) in {(403, "not_entitled"),
                                                   (409, "request_in_progress")}
            elif status in (200, 201):
                entry = ledger[applicant]
                assert body["deposit_id"] == entry["deposit_id"]
                assert {k: entry[k] for k in body} == body
                assert key == entry["idempotency_key"]
            else:
                assert (status, body["error"]) in {(409, "already_deposited"),
                                                   (409, "request_in_progress")}
        created = [body["deposit_id"] for _, _, status, body in outcomes if status == 201]
        assert sorted(created) == sorted(e["deposit_id"] for e in ledger.values())
        entries = t.audit(rid)
        verify_chain(entries, rid)
        assert sum(e["event"] == "deposit" for e in entries) == len(primary)


@pytest.mark.parametrize("step", ["close", "commit", "draw", "deposits/close"])
def test_identical_transitions_at_once_exactly_one_wins(server: str, step: str) -> None:
    rid = f"R-twice-{step.replace('/', '-')}"
    with HttpTarget(server, ADMIN) as t:
        t.create_round(rid, 2, 2, AMOUNT)
        register_many(t, rid, 6)
        for earlier in ("close", "commit", "draw"):
            if earlier == step:
                break
            t.request("POST", f"/v1/rounds/{rid}/{earlier}", token=ADMIN, json={})
        # deposits/close names the state it closes: four copies of one close are one close.
        body = {"expected_state": "drawn"} if step == "deposits/close" else {}
        outcomes = in_parallel(4, lambda _, c: c.post(
            f"/v1/rounds/{rid}/{step}", json=body,
            headers={"Authorization": f"Bearer {ADMIN}"}), server)
        won = [r.json() for r in outcomes if r.status_code == 200]
        lost = [r.json() for r in outcomes if r.status_code != 200]
        assert {r["error"] for r in lost} == {"wrong_state"}
        assert len(won) == 1, won
        if step == "deposits/close":
            assert won[0]["state"] == "promotion" and t.get_round(rid)["state"] == "promotion"
            assert t.promotions(rid) == t.results(rid)["reserve"]
        if step == "draw":
            winner = next(r for r in outcomes if r.status_code == 200)
            assert t.results(rid) == winner.json()


def test_deposits_racing_the_window_close(server: str) -> None:
    rid = "R-race"
    slots = 40
    with HttpTarget(server, ADMIN) as t:
        tokens, result = drawn_round(t, rid, 120, slots, slots, AMOUNT)
        primary, reserve = result["primary"], result["reserve"]
        seen: list[tuple[str, int, dict[str, Any]]] = []
        _race(server, rid, tokens, primary, seen, "drawn")
        promoted = t.promotions(rid)
        assert promoted == reserve[: len(promoted)]
        _race(server, rid, tokens, promoted, seen, "promotion")
        assert t.get_round(rid)["state"] == "final"

        ledger = {e["applicant_id"]: e for e in t.ledger(rid)}
        events = {e["event"]: e["data"] for e in t.audit(rid)}
        forfeited = set(events["promotion"]["forfeited"]) | set(events["final"]["forfeited"])
        assert not forfeited & set(ledger), "an applicant ended both forfeited and paid"
        paid_primaries = len(set(ledger) & set(primary))
        assert paid_primaries + len(promoted) <= slots
        assert paid_primaries + len(set(ledger) & set(promoted)) <= slots
        assert set(ledger) <= set(primary) | set(promoted)
        for applicant, status, body in seen:
            assert status < 500
            if status == 201:
                assert ledger[applicant]["deposit_id"] == body["deposit_id"]
        with thread_clones(t) as clone, ThreadPoolExecutor(8) as pool:
            mine = dict(pool.map(lambda a: (a, clone().me(rid, tokens[a])), primary + promoted))
        for applicant, body in mine.items():
            assert (body["deposit"] is not None) == (applicant in ledger)
            assert (body["status"] == "forfeited") == (applicant in forfeited)


def _race(server: str, rid: str, tokens: dict[str, str], payers: list[str],
          seen: list[tuple[str, int, dict[str, Any]]], closing: str) -> None:
    """Every payer deposits (spread over ~80 ms, with a same-key retry) while the operator
    closes the window of state ``closing`` halfway through."""

    def work(i: int, client: httpx.Client) -> None:
        if i == len(payers):
            time.sleep(0.04)
            response = client.post(f"/v1/rounds/{rid}/deposits/close",
                                   json={"expected_state": closing},
                                   headers={"Authorization": f"Bearer {ADMIN}"})
            assert response.status_code == 200, response.text
            return
        time.sleep(0.08 * i / max(len(payers), 1))
        for _ in range(2):
            response = deposit(client, rid, tokens[payers[i]], f"race-{payers[i]}")
            seen.append((payers[i], response.status_code, response.json()))

    in_parallel(len(payers) + 1, work, server)


def test_one_person_paying_in_two_open_rounds_at_once_gets_one_deposit(server: str) -> None:
    """Never two deposits for one national id across rounds: each person registered in two
    rounds that are open at the same time pays in both from many threads at the same instant."""
    people = [600_000 + n for n in range(8)]
    rounds = ("R-both-1", "R-both-2")
    tokens: dict[tuple[str, int], str] = {}
    with HttpTarget(server, ADMIN) as t:
        for rid in rounds:
            t.create_round(rid, len(people), 0, AMOUNT)  # everyone is a primary in both
            for n in people:
                tokens[rid, n] = t.register(rid, national_id(n), "Both", "South")["token"]
        for rid in rounds:
            t.close_registration(rid)
            t.commit(rid)
            t.draw(rid)
        attempts = [(rid, n, copy) for n in people for rid in rounds for copy in range(3)]

        def pay(i: int, client: httpx.Client) -> tuple[str, int, int, dict[str, Any]]:
            rid, n, copy = attempts[i]
            response = deposit(client, rid, tokens[rid, n], f"both-{n}-{copy}")
            return rid, n, response.status_code, response.json()

        seen = in_parallel(len(attempts), pay, server)
        ledgers = {rid: t.ledger(rid) for rid in rounds}
        holders = {rid: {e["applicant_id"]: e for e in ledgers[rid]} for rid in rounds}
        for n in people:
            mine = [(rid, t.me(rid, tokens[rid, n])) for rid in rounds]
            paid = [(rid, me) for rid, me in mine if me["applicant_id"] in holders[rid]]
            assert len(paid) == 1, f"person {n} holds {len(paid)} deposits"
            (paid_in, _), = paid
            created = [body for rid, m, status, body in seen if m == n and status == 201]
            assert [b["deposit_id"] for b in created] == [
                holders[paid_in][paid[0][1]["applicant_id"]]["deposit_id"]
            ]
            for rid, me in mine:
                assert me["can_deposit"] is False, (rid, me)
        assert sum(len(entries) for entries in ledgers.values()) == len(people)
        refused = {(status, body.get("error")) for _, _, status, body in seen
                   if status not in (200, 201)}
        assert refused <= {(403, "previous_winner"), (409, "already_deposited")}, refused


def test_registrations_racing_close_and_each_other(server: str) -> None:
    """I-01 under races: the frozen list is exactly the acknowledged registrations, and a person
    registering twice at the same moment is acknowledged once."""
    rid = "R-reg-race"
    with HttpTarget(server, ADMIN) as t:
        t.create_round(rid, 5, 5, AMOUNT)

        def work(i: int, client: httpx.Client) -> httpx.Response:
            if i == 0:
                time.sleep(0.05)
                return client.post(f"/v1/rounds/{rid}/close",
                                   headers={"Authorization": f"Bearer {ADMIN}"})
            time.sleep(0.1 * (i % 50) / 50)
            person = {"national_id": national_id(500_000 + i // 2), "name": "N", "region": "R"}
            return client.post(f"/v1/rounds/{rid}/registrations", json=person)

        outcomes = in_parallel(121, work, server)
        assert outcomes[0].status_code == 200
        accepted = [r.json()["applicant_id"] for r in outcomes[1:] if r.status_code == 201]
        refused = {r.json()["error"] for r in outcomes[1:] if r.status_code != 201}
        assert refused <= {"registration_closed", "duplicate_registration"}
        listed = t.applicant_list(rid).decode().split()
        assert sorted(listed) == sorted(accepted)
        assert outcomes[0].json()["applicants"] == len(accepted)
        people = [500_000 + i // 2 for i, r in enumerate(outcomes) if i and r.status_code == 201]
        assert len(people) == len(set(people)), "one person acknowledged twice"


def test_two_server_processes_on_one_database(db_url: str, tmp_path: Any) -> None:
    """The database, not process memory, keeps the invariants: two servers share one database
    while draws and deposits race across them."""
    rid = "R-two"
    with running_server(db_url, tmp_path) as first, running_server(db_url, tmp_path) as second:
        bases = [first, second]
        with HttpTarget(first, ADMIN) as t:
            t.create_round(rid, 30, 10, AMOUNT)
            tokens = register_many(t, rid, 60)
            t.close_registration(rid)
            t.commit(rid)

        def draw(i: int, client: httpx.Client) -> httpx.Response:
            return client.post(f"{bases[i % 2]}/v1/rounds/{rid}/draw", json={},
                               headers={"Authorization": f"Bearer {ADMIN}"})

        drawn = in_parallel(4, draw, first)
        assert sorted(r.status_code for r in drawn) == [200, 409, 409, 409]
        primary = set(next(r for r in drawn if r.status_code == 200).json()["primary"])
        applicants = sorted(tokens)

        def pay(i: int, client: httpx.Client) -> tuple[str, int, dict[str, Any]]:
            applicant = applicants[i % len(applicants)]
            # each key is sent once to each server: a same-key retry crosses processes
            response = client.post(
                f"{bases[(i // 60) % 2]}/v1/rounds/{rid}/deposits", json={"amount": AMOUNT},
                headers={"Authorization": f"Bearer {tokens[applicant]}",
                         "Idempotency-Key": f"{applicant}:{i // 120}"})
            return applicant, response.status_code, response.json()

        seen = in_parallel(240, pay, first)
        with HttpTarget(second, ADMIN) as t:
            ledger = {e["applicant_id"]: e for e in t.ledger(rid)}
            assert set(ledger) == primary and len(t.ledger(rid)) == len(primary)
            for applicant, status, body in seen:
                assert status < 500
                if status in (200, 201):
                    assert body["deposit_id"] == ledger[applicant]["deposit_id"]
            entries = t.audit(rid)
            verify_chain(entries, rid)
