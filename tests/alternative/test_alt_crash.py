"""kill -9 in the middle of a deposit rush: every acknowledged deposit is there after a restart."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from _altkit import ADMIN, Server
from _systems import drawn_round, verify_chain

from harness.errors import TargetError
from harness.target import HttpTarget

AMOUNT = 10


@pytest.mark.slow
def test_no_acknowledged_deposit_is_lost_when_the_process_is_killed(tmp_path: Path) -> None:
    server = Server(tmp_path / "crash.db")
    server.start()
    try:
        with HttpTarget(server.url, ADMIN) as target:
            tokens, results = drawn_round(target, "CR-1", 300, 260, 20, AMOUNT, first=600_000)
        acknowledged = _rush_then_kill(server, tokens, results["primary"])
    finally:
        server.stop()
    assert len(acknowledged) >= 40
    server.start()
    try:
        with HttpTarget(server.url, ADMIN) as target:
            _check_after_restart(target, tokens, results, acknowledged)
    finally:
        server.stop()


def _rush_then_kill(
    server: Server, tokens: dict[str, str], payers: list[str]
) -> dict[str, dict]:
    """Eight clients pay; the server is killed once forty deposits are acknowledged."""
    acknowledged: dict[str, dict] = {}
    lock, enough = threading.Lock(), threading.Event()

    def pay(chunk: list[str]) -> None:
        with HttpTarget(server.url, ADMIN) as target:
            for applicant in chunk:
                try:
                    answer = target.deposit("CR-1", tokens[applicant], AMOUNT, f"k-{applicant}")
                except TargetError:
                    return  # the server is gone
                if answer.status_code == 201:
                    with lock:
                        acknowledged[applicant] = answer.json()
                        if len(acknowledged) >= 40:
                            enough.set()

    workers = [threading.Thread(target=pay, args=(payers[i::8],)) for i in range(8)]
    for worker in workers:
        worker.start()
    enough.wait(timeout=120)
    server.kill()
    for worker in workers:
        worker.join()
    return acknowledged


def _check_after_restart(
    target: HttpTarget, tokens: dict[str, str], results: dict, acknowledged: dict[str, dict]
) -> None:
    ledger = {entry["applicant_id"]: entry for entry in target.ledger("CR-1")}
    assert len(ledger) == len(target.ledger("CR-1"))  # one per applicant
    for applicant, deposit in acknowledged.items():
        assert {k: ledger[applicant][k] for k in deposit} == deposit
    assert target.results("CR-1") == results
    entries = target.audit("CR-1")
    verify_chain(entries, "CR-1")
    assert sum(e["event"] == "deposit" for e in entries) == len(ledger)
    paid = next(iter(acknowledged))
    again = target.deposit("CR-1", tokens[paid], AMOUNT, f"k-{paid}")  # a retry after the crash
    assert again.status_code == 200 and again.json() == acknowledged[paid]
    unpaid = next(a for a in results["primary"] if a not in ledger)
    assert target.deposit("CR-1", tokens[unpaid], AMOUNT, "fresh").status_code == 201
