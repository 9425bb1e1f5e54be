"""The audit chain's append on both databases: linked at commit on PostgreSQL (a deferred
trigger), computed in the process on SQLite; either way one transaction's entries stand or fall
with it, and the chain verifies with the contract's own hash."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from targets.reference import audit, schema
from targets.reference.db import Database

_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.create_schema()
    yield database
    database.dispose()


def _chain(db: Database, round_id: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return audit.entries(conn, round_id)


def test_entries_link_in_commit_order_and_verify(db: Database) -> None:
    for event, data in (("round_created", {"primary_slots": 2}), ("closed", {"applicants": 5}),
                        ("deposit", {"applicant_id": "a-1", "amount": 7, "note": "é ☃"})):
        with db.write() as conn:
            audit.append(conn, "R-chain", event, data)
    chain = _chain(db, "R-chain")
    assert [e["seq"] for e in chain] == [1, 2, 3]
    assert [e["event"] for e in chain] == ["round_created", "closed", "deposit"]
    assert chain[2]["data"] == {"applicant_id": "a-1", "amount": 7, "note": "é ☃",
                                "round_id": "R-chain"}
    assert all(_AT.fullmatch(str(e["at"])) for e in chain)
    assert audit.verify_chain(chain)  # recomputes every hash as entry_hash does
    assert _chain(db, "R-other") == []


def test_an_entry_of_a_rolled_back_transaction_or_savepoint_never_joins_the_chain(
    db: Database,
) -> None:
    with db.write() as conn:
        audit.append(conn, "R-roll", "round_created", {"primary_slots": 1})
    with pytest.raises(RuntimeError), db.write() as conn:
        audit.append(conn, "R-roll", "closed", {"applicants": 1})
        raise RuntimeError("the change this entry records fails")
    with db.write() as conn:
        savepoint = conn.begin_nested()
        audit.append(conn, "R-roll", "deposit", {"amount": 1, "applicant_id": "gone"})
        savepoint.rollback()
        audit.append(conn, "R-roll", "deposit", {"amount": 1, "applicant_id": "kept"})
    chain = _chain(db, "R-roll")
    assert [(e["seq"], e["event"]) for e in chain] == [(1, "round_created"), (2, "deposit")]
    assert chain[1]["data"]["applicant_id"] == "kept"  # type: ignore[index]
    assert audit.verify_chain(chain)


def test_a_row_and_its_entry_are_recorded_together_or_not_at_all(db: Database) -> None:
    with db.write() as conn:
        conn.execute(schema.rounds.insert(), {"round_id": "R-row", "state": "drawn",
                                              "primary_slots": 1, "reserve_slots": 0,
                                              "deposit_amount": 5, "created_at": "t"})
        conn.execute(schema.applicants.insert(), {
            "round_id": "R-row", "applicant_id": "a-1", "national_key": "n" * 64,
            "name": "A", "region": "R", "token_hash": "h" * 64, "registered_at": "t"})
    values = {"deposit_id": "dep_1", "round_id": "R-row", "applicant_id": "a-1",
              "national_key": "n" * 64, "amount": 5, "idempotency_key": "k",
              "created_at": "t"}
    with db.write() as conn:
        audit.append_row(conn, schema.deposits, values, "deposit", {"deposit_id": "dep_1"})
    with pytest.raises(Exception, match="(?i)unique|constraint"), db.write() as conn:
        audit.append_row(conn, schema.deposits, {**values, "deposit_id": "dep_2"}, "deposit",
                         {"deposit_id": "dep_2"})
    chain = _chain(db, "R-row")
    assert [e["data"]["deposit_id"] for e in chain] == ["dep_1"]  # type: ignore[index]
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM deposits")).scalar_one() == 1


@pytest.mark.postgres
def test_nothing_stays_queued_after_the_commits(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.create_schema()
    database.create_schema()  # a restart re-runs the DDL: the trigger is not doubled
    try:
        for n in range(3):
            with database.write() as conn:
                audit.append(conn, "R-q", "deposit", {"n": n})
        with database.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_pending")).scalar_one() == 0
            triggers = conn.execute(text(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_pending_chain'"
                " AND tgrelid = 'audit_pending'::regclass")).scalar_one()
        assert triggers == 1
        assert [e["seq"] for e in _chain(database, "R-q")] == [1, 2, 3]
    finally:
        database.dispose()
