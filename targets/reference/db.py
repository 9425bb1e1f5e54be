"""Engine, connections and transactions for SQLite (embedded default) and PostgreSQL.

Lock strategy, the part the contract's concurrency guarantees rest on:
- SQLite: every write transaction starts with ``BEGIN IMMEDIATE``, which takes the database's
  single write lock up front, so a read-check-write sequence cannot interleave with another
  writer; WAL lets readers proceed meanwhile and ``busy_timeout`` makes writers queue, not fail.
  Writers also queue before BEGIN, on a Python lock within a process and on a lock file beside
  the database across processes (``--workers``): SQLite's busy handler polls with sleeps of up
  to 100 ms, which under a deposit rush put the p99 latency near a second, while a writer
  waiting on the lock file is woken as soon as it is released.
- PostgreSQL: write transactions lock the round's row (``SELECT ... FOR UPDATE``; registrations
  and deposits take ``FOR SHARE`` so they run in parallel with each other but never with the
  state changes, ``close`` and ``deposits/close``). Every state change of a round therefore
  serialises with every decision that depends on that state; what concurrent registrations or
  deposits could race on is settled by unique constraints, and the audit chain locks its round's
  head row at commit (``audit.append``). Several server processes (``--workers``) share
  these guarantees, since they all live in the database.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from targets.reference import schema

__all__ = ["SCHEMA_VERSION", "Database", "SchemaMismatch", "check_schema_version", "utc_now"]

_BUSY_TIMEOUT_MS = 30_000
# The layout of the tables. 1: before it was recorded. 2: results carry their slot counts and
# deposits are unique per national id across rounds. 3: committed server seeds are sealed under a
# key kept outside the database, which records only its fingerprint. 4: who was drawn is read from
# the results record (no per-applicant role columns); ids collate as bytes on PostgreSQL. 5: the
# head of each round's audit chain is kept in its own row (PostgreSQL). There is no migration:
# data is lab-only.
SCHEMA_VERSION = "5"
_VERSION_KEY = "schema_version"
# Servers starting together on a new PostgreSQL database create the schema in turn, under this
# transaction-scoped advisory lock (an arbitrary 64-bit constant of this system's): PostgreSQL
# checks for a table and creates it in two steps, so two creators collide on the catalogue.
_SCHEMA_LOCK = text("SELECT pg_advisory_xact_lock(7410365920731566081)")


# Built once: constructing a statement per call cost more CPU than running it.
_ROUND = select(schema.rounds).where(schema.rounds.c.round_id == bindparam("round_id"))
_ROUND_SHARED = _ROUND.with_for_update(read=True)
_ROUND_EXCLUSIVE = _ROUND.with_for_update()


def utc_now() -> str:
    """RFC 3339 in UTC with microseconds, e.g. ``2026-01-02T03:04:05.678901Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class _WriterQueue:
    """Where SQLite writers wait for their turn: a thread lock, then (for a database file) an
    exclusive ``flock`` on ``<file>-writer.lock``, so the writers of every server process on
    the file queue in the kernel rather than in SQLite's sleeping busy handler.

    The lock file is opened once per process (a forked worker opens its own: a descriptor
    inherited from the parent would share the parent's lock instead of competing for it).
    """

    def __init__(self, database: str | None) -> None:
        self._thread = threading.Lock()
        memory = not database or database == ":memory:" or database.startswith("file:")
        self._path = None if memory else f"{database}-writer.lock"
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._thread:
            if self._path is None:
                yield
                return
            fd = self._descriptor(self._path)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self, path: str) -> int:
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


class Database:
    """One engine plus the transaction helpers the service uses."""

    def __init__(self, url: str, pool_size: int = 8) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self._sqlite_writers = _WriterQueue(parsed.database if self.dialect == "sqlite" else None)
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(url, pool_size)
        elif self.dialect == "postgresql":
            self.engine = create_engine(
                url, pool_size=pool_size, max_overflow=10, pool_recycle=1800
            )
        else:
            shown = parsed.render_as_string(hide_password=True)
            raise ValueError(f"unsupported database {shown!r}: use sqlite:/// or postgresql+psycopg://")

    def create_schema(self) -> None:
        """Create missing tables and (re)install the append-only triggers; safe to repeat.

        A database made with another schema version is refused before anything is written.
        Servers starting at once on a new database take turns (SQLite: the writers' queue and
        BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so the second finds the first's tables.
        """
        with self.write() as conn:
            if self.dialect == "postgresql":
                conn.execute(_SCHEMA_LOCK)
            new = check_schema_version(conn)
            schema.metadata.create_all(conn)
            if new:
                conn.execute(schema.meta.insert().values(key=_VERSION_KEY, value=SCHEMA_VERSION))
            for statement in schema.trigger_ddl(self.dialect):
                conn.exec_driver_sql(statement)

    def dispose(self) -> None:
        self.engine.dispose()
        self._sqlite_writers.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot on both engines)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it holds the write lock from its first statement."""
        if self.dialect != "sqlite":
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._sqlite_writers.turn(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def single(self) -> Iterator[Connection]:
        """A connection for one read statement, which is its own snapshot: on PostgreSQL in
        autocommit, so no BEGIN and COMMIT travel for it; on SQLite as ``read``."""
        if self.dialect == "sqlite":
            with self.read() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def lock_round(
        self, conn: Connection, round_id: str, *, shared: bool = False
    ) -> Row[Any] | None:
        """The round's row, locked until commit (FOR UPDATE, or FOR SHARE when ``shared``)."""
        query = _ROUND
        if self.dialect == "postgresql":
            query = _ROUND_SHARED if shared else _ROUND_EXCLUSIVE
        return conn.execute(query, {"round_id": round_id}).first()


class SchemaMismatch(ValueError):
    """The database holds another schema version than this code's (start-up refuses it)."""


def check_schema_version(conn: Connection) -> bool:
    """True for a new database (no tables yet); raise ``SchemaMismatch`` for one whose recorded
    schema version is not ``SCHEMA_VERSION`` (or that predates recording one)."""
    tables = inspect(conn)
    if not tables.has_table(schema.rounds.name):
        return True
    found = None
    if tables.has_table(schema.meta.name):
        meta = schema.meta
        found = conn.execute(select(meta.c.value).where(meta.c.key == _VERSION_KEY)).scalar()
    if found != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the database has schema version {found or '1 (unrecorded)'}, this reference needs"
            f" {SCHEMA_VERSION}; there is no migration (lab data only): use a new database"
        )
    return False


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        connect_args={"check_same_thread": False, "timeout": _BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE can be issued explicitly.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={_BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
            # FULL: an acknowledged deposit survives power loss, not only a process crash.
            "synchronous=FULL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
