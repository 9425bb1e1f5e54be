"""What the database itself enforces, on SQLite and PostgreSQL: append-only records, unique
deposits, no raw secrets at rest, and an audit chain that verifies."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from _refkit import ADMIN
from _systems import drawn_round, national_id, register_many
from _transports import in_process
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError

from harness.target import HttpTarget
from targets.reference.app import create_app
from targets.reference.config import Settings

RID = "R-db"


@pytest.fixture
def drawn(any_db_target: HttpTarget, db_url: str) -> tuple[HttpTarget, dict[str, str], Any]:
    tokens, result = drawn_round(any_db_target, RID, 8, 2, 2, 100)
    paid = any_db_target.deposit(RID, tokens[result["primary"][0]], 100, "key-1")
    assert paid.status_code == 201
    return any_db_target, tokens, result


@pytest.mark.parametrize("statement", [
    "UPDATE results SET body = '{}'",
    "DELETE FROM results",
    "UPDATE deposits SET amount = 1",
    "DELETE FROM deposits",
    "UPDATE audit SET event = 'x'",
    "DELETE FROM audit",
])
def test_published_records_reject_raw_update_and_delete(
    drawn: Any, db_url: str, statement: str
) -> None:
    engine = create_engine(db_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
        with engine.connect() as conn:
            body = conn.execute(text("SELECT body FROM results")).scalar_one()
        assert json.loads(body)["round_id"] == RID
    finally:
        engine.dispose()


def test_second_deposit_for_an_applicant_is_rejected_by_the_database(
    drawn: Any, db_url: str
) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(text("SELECT * FROM deposits")).mappings().one()
        duplicate = {**row, "deposit_id": "dep_other", "idempotency_key": "key-2"}
        columns = ", ".join(duplicate)
        values = ", ".join(f":{c}" for c in duplicate)
        with pytest.raises(DBAPIError), engine.begin() as conn:
            statement = f"INSERT INTO deposits ({columns}) VALUES ({values})"  # noqa: S608
            conn.execute(text(statement), duplicate)
    finally:
        engine.dispose()


def test_a_second_deposit_for_a_person_in_another_round_is_rejected_by_the_database(
    any_db_target: HttpTarget, db_url: str
) -> None:
    """Never two deposits for one national id across rounds, even written past the service."""
    any_db_target.create_round("R-db2", 8, 0, 100)
    for i in range(8):  # the same people as the paying round, registered before anyone paid
        any_db_target.register("R-db2", national_id(100_000 + i), "Again", "West")
    tokens, result = drawn_round(any_db_target, RID, 8, 2, 2, 100)
    assert any_db_target.deposit(RID, tokens[result["primary"][0]], 100, "k").status_code == 201
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(text("SELECT * FROM deposits")).mappings().one()
            twin = conn.execute(
                text("SELECT applicant_id FROM applicants WHERE round_id = 'R-db2'"
                     " AND national_key = :k"), {"k": row["national_key"]}
            ).scalar_one()
        other = {**row, "deposit_id": "dep_other", "round_id": "R-db2", "applicant_id": twin}
        columns = ", ".join(other)
        values = ", ".join(f":{c}" for c in other)
        with pytest.raises(DBAPIError, match="(?i)unique"), engine.begin() as conn:
            statement = f"INSERT INTO deposits ({columns}) VALUES ({values})"  # noqa: S608
            conn.execute(text(statement), other)
    finally:
        engine.dispose()


def test_no_raw_token_or_national_id_is_stored(drawn: Any, db_url: str) -> None:
    _, tokens, _ = drawn
    secrets = set(tokens.values()) | {national_id(100_000 + i) for i in range(8)}
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            dump: list[str] = []
            for table in inspect(conn).get_table_names():
                for row in conn.execute(text(f"SELECT * FROM {table}")):  # noqa: S608
                    dump.extend(str(v) for v in row)
        stored = "\n".join(dump)
        assert stored and not any(s in stored for s in secrets)
        for token in tokens.values():
            assert hashlib.sha256(token.encode()).hexdigest() in stored
    finally:
        engine.dispose()


def test_audit_chain_verifies_and_covers_every_change(drawn: Any) -> None:
    target, _, _ = drawn
    target.close_deposits(RID, "drawn")
    target.close_deposits(RID, "promotion")
    entries = target.audit(RID)
    prev = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        assert entry["seq"] == seq and entry["prev_hash"] == prev
        assert entry["data"]["round_id"] == RID and entry["at"].endswith("Z")
        body = {k: entry[k] for k in ("seq", "at", "event", "data")}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256((prev + canonical).encode()).hexdigest()
        assert entry["hash"] == prev
    events = [e["event"] for e in entries]
    assert events == ["round_created", "closed", "committed", "drawn", "deposit", "promotion",
                      "final"]


def test_a_round_counts_its_registrations_until_the_close_and_then_reads_the_frozen_count(
    db_url: str,
) -> None:
    """Results day reads rounds of millions often: once registration is closed, the round's
    applicant count is the number the close froze, not a count of the table on every read."""
    app = create_app(Settings(admin_token=ADMIN, database_url=db_url))
    with TestClient(app, raise_server_exceptions=False) as client:
        target = in_process(client, ADMIN)
        counts: list[str] = []

        @event.listens_for(app.state.service.db.engine, "before_cursor_execute")
        def _spy(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            if "count(" in statement.lower():
                counts.append(statement)

        target.create_round("R-count", 2, 1, 100)
        register_many(target, "R-count", 5)
        counts.clear()
        assert target.get_round("R-count")["applicants"] == 5 and len(counts) == 1
        counts.clear()
        steps = {"closed": lambda: target.close_registration("R-count"),
                 "committed": lambda: target.commit("R-count", "test beacon source"),
                 "drawn": lambda: target.draw("R-count", "beef")}
        for state, step in steps.items():
            step()
            shown = target.get_round("R-count")
            assert (shown["state"], shown["applicants"]) == (state, 5)
        assert counts == []
