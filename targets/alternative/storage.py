"""SQLite through the standard library: the schema, its guards, and transactions.

The database itself enforces what must never happen, whatever the application code does: one
registration per person and round, one deposit per applicant and round, one deposit per person
across rounds, one use of an idempotency key per applicant, rounds that only move forward one step
at a time, and append-only results, placements, promotions, deposits, applicants and audit.

Every write runs in ``BEGIN IMMEDIATE`` (the database's single writer lock, taken up front so a
transaction never upgrades halfway); inside one process writers first queue on a lock so they wait
in order instead of polling. WAL with ``synchronous=FULL`` makes every commit durable before the
answer leaves, so a kill -9 loses nothing that was acknowledged.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_MARK", "Busy", "ForeignDatabase", "Store"]

SCHEMA_MARK = "asti-alternative/1"
_LOCK_WAIT = 20.0  # seconds a writer may queue before the request is shed with 503
_BUSY_MS = 20_000  # the same bound for another process holding the database lock

_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE round (
    round_id        TEXT PRIMARY KEY,
    state           TEXT NOT NULL CHECK (state IN
                        ('registration', 'closed', 'committed', 'drawn', 'promotion', 'final')),
    primary_slots   INTEGER NOT NULL CHECK (primary_slots BETWEEN 0 AND 10000000),
    reserve_slots   INTEGER NOT NULL CHECK (reserve_slots BETWEEN 0 AND 10000000),
    deposit_amount  INTEGER NOT NULL CHECK (deposit_amount BETWEEN 1 AND 1000000000000000),
    registered      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    eligible        INTEGER,
    applicants_digest TEXT,
    sealed_seed     BLOB,
    seed_commitment TEXT,
    beacon_source   TEXT
);

CREATE TABLE applicant (
    applicant_id  TEXT PRIMARY KEY,
    round_id      TEXT NOT NULL REFERENCES round (round_id),
    person        BLOB NOT NULL,
    token_digest  BLOB NOT NULL UNIQUE,
    profile       BLOB NOT NULL,
    registered_at TEXT NOT NULL,
    UNIQUE (round_id, person)
);
CREATE INDEX applicant_in_round ON applicant (round_id, applicant_id);

CREATE TABLE outcome (
    round_id TEXT PRIMARY KEY REFERENCES round (round_id),
    document TEXT NOT NULL
);

CREATE TABLE placement (
    round_id     TEXT NOT NULL REFERENCES round (round_id),
    applicant_id TEXT NOT NULL REFERENCES applicant (applicant_id),
    kind         TEXT NOT NULL CHECK (kind IN ('primary', 'reserve')),
    rank         INTEGER NOT NULL CHECK (rank >= 1),
    PRIMARY KEY (round_id, applicant_id),
    UNIQUE (round_id, kind, rank)
) WITHOUT ROWID;

CREATE TABLE promotion (
    round_id     TEXT NOT NULL REFERENCES round (round_id),
    applicant_id TEXT NOT NULL REFERENCES applicant (applicant_id),
    reserve_rank INTEGER NOT NULL,
    PRIMARY KEY (round_id, applicant_id),
    UNIQUE (round_id, reserve_rank)
) WITHOUT ROWID;

CREATE TABLE deposit (
    deposit_id      TEXT PRIMARY KEY,
    round_id        TEXT NOT NULL REFERENCES round (round_id),
    applicant_id    TEXT NOT NULL REFERENCES applicant (applicant_id),
    person          BLOB NOT NULL UNIQUE,
    amount          INTEGER NOT NULL CHECK (amount >= 1),
    idempotency_key TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (round_id, applicant_id),
    UNIQUE (round_id, applicant_id, idempotency_key)
);

CREATE TABLE audit (
    round_id  TEXT NOT NULL REFERENCES round (round_id),
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    at        TEXT NOT NULL,
    event     TEXT NOT NULL,
    data      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (round_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER round_moves_forward BEFORE UPDATE ON round
WHEN NEW.round_id IS NOT OLD.round_id
  OR NEW.primary_slots IS NOT OLD.primary_slots
  OR NEW.reserve_slots IS NOT OLD.reserve_slots
  OR NEW.deposit_amount IS NOT OLD.deposit_amount
  OR (NEW.state IS NOT OLD.state AND (OLD.state || '>' || NEW.state) NOT IN (
      'registration>closed', 'closed>committed', 'committed>drawn', 'drawn>promotion',
      'promotion>final'))
BEGIN SELECT RAISE(ABORT, 'a round only moves one step forward'); END;

CREATE TRIGGER round_kept BEFORE DELETE ON round
BEGIN SELECT RAISE(ABORT, 'rounds are never deleted'); END;
"""

_APPEND_ONLY = ("applicant", "outcome", "placement", "promotion", "deposit", "audit")


def _append_only_triggers() -> str:
    return "".join(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;\n"
        for table in _APPEND_ONLY
        for verb in ("UPDATE", "DELETE")
    )


class Busy(Exception):
    """The database stayed locked too long: the request is shed (503 with Retry-After)."""


class ForeignDatabase(Exception):
    """The file is not a database of this system; the message says why in one line."""


class Store:
    """One SQLite file; a connection per thread (waitress threads are long-lived)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._writer = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=_BUSY_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def prepare(self, check_value: str) -> None:
        """Create the schema in an empty file, or accept only this system's schema and key."""
        try:
            conn = self.connection()
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise ForeignDatabase(f"{self.path}: cannot switch the database to WAL mode")
            with self.write() as tx:  # under the lock: two first starts cannot both create it
                tables = {row[0] for row in tx.all("SELECT name FROM sqlite_master")}
                if not tables:
                    tx.executescript_in_tx(_TABLES + _append_only_triggers())
                    tx.execute("INSERT INTO meta VALUES ('schema', ?), ('key_check', ?)",
                               (SCHEMA_MARK, check_value))
                    return
        except sqlite3.DatabaseError as exc:
            raise ForeignDatabase(f"{self.path} is not a usable SQLite database ({exc})") from None
        except Busy:
            raise ForeignDatabase(f"{self.path} stays locked by another process") from None
        self._accept_existing(conn, tables, check_value)

    def _accept_existing(self, conn: sqlite3.Connection, tables: set[str], check: str) -> None:
        if "meta" not in tables:
            raise ForeignDatabase(f"{self.path} holds another system's data, not this one's")
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("schema") != SCHEMA_MARK:
            raise ForeignDatabase(f"{self.path} holds another system's data, not this one's")
        if meta.get("key_check") != check:
            raise ForeignDatabase(
                f"{self.path} was created with another key (wrong --key-file or"
                " $ALTERNATIVE_MASTER_KEY)"
            )

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A serialised write transaction, committed (durably) when the block ends normally."""
        if not self._writer.acquire(timeout=_LOCK_WAIT):
            raise Busy("too many writers queued")
        try:
            conn = self.connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise Busy(str(exc)) from None
            try:
                yield Tx(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            self._writer.release()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read transaction: every query in the block sees one snapshot."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield Tx(conn)
        finally:
            conn.execute("COMMIT")


class Tx:
    """The queries of one transaction, with a few conveniences."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)

    def one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        return list(self._conn.execute(sql, params).fetchall())

    def executescript_in_tx(self, script: str) -> None:
        """Run DDL statement by statement (``executescript`` would commit the transaction)."""
        for statement in _statements(script):
            self._conn.execute(statement)


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
