"""Deposits run side by side (shared round lock) on PostgreSQL with two server processes, and the
guarantees still hold: one deposit per applicant, deposits/close never forfeits a payer, and the
round's audit chain stays linear and verifies."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness.launcher import launch
from harness.synthetic import people
from harness.target import HttpTarget
from targets.reference.audit import verify_chain

pytestmark = [pytest.mark.postgres, pytest.mark.load]

RID, AMOUNT, WINNERS, CLIENTS = "R-rush", 500, 150, 24


def _prepared(client: HttpTarget) -> dict[str, str]:
    import numpy as np

    client.create_round(RID, WINNERS, 10, AMOUNT)
    tokens = {}
    for person in people(np.random.default_rng(11), WINNERS + 40):
        body = client.register(RID, person.national_id, person.name, person.region)
        tokens[body["applicant_id"]] = body["token"]
    client.close_registration(RID)
    client.commit(RID)
    primary = client.draw(RID)["primary"]
    return {aid: tokens[aid] for aid in primary}


def test_a_parallel_rush_with_a_close_in_its_middle_keeps_every_guarantee(
    postgres_url: str
) -> None:
    with launch("reference", db=postgres_url, workers=2) as launched, \
            launched.connect(deadline=60) as client:
        winners = _prepared(client)
        local = threading.local()
        answers: list[tuple[str, int]] = []
        started = threading.Barrier(CLIENTS)

        def pay(job: tuple[int, str]) -> None:
            number, aid = job
            if not hasattr(local, "client"):
                local.client = client.clone()
                started.wait()
            for key in (f"{aid}-a", f"{aid}-b"):  # a double submit with a new key
                status = local.client.deposit(RID, winners[aid], AMOUNT, key).status_code
                answers.append((aid, status))

        jobs = list(enumerate(winners))
        with ThreadPoolExecutor(CLIENTS) as pool:
            first = list(pool.map(pay, jobs[: len(jobs) // 2]))
            closing = pool.submit(client.clone().close_deposits, RID, "drawn")
            list(pool.map(pay, jobs[len(jobs) // 2:]))
            closed = closing.result()
        assert len(first) == len(jobs) // 2 and closed["state"] == "promotion"
        ledger = client.ledger(RID)
        chain = client.audit(RID)
    # 201, or 409 already_deposited, or 403 not_entitled once the close forfeited the payer:
    # never a 5xx from two transactions racing on the ledger or on the chain
    assert {status for _, status in answers} <= {201, 403, 409}
    paid = Counter(entry["applicant_id"] for entry in ledger)
    assert set(paid.values()) == {1}
    assert {aid for aid, status in answers if status == 201} == set(paid)
    forfeited = next(e["data"]["forfeited"] for e in chain if e["event"] == "promotion")
    assert not set(forfeited) & set(paid) and set(forfeited) | set(paid) == set(winners)
    assert verify_chain(chain)
    assert [e["seq"] for e in chain] == list(range(1, len(chain) + 1))
    assert sum(e["event"] == "deposit" for e in chain) == len(ledger)
