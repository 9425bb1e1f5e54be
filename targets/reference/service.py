"""The service object shared by all operations: database, settings, caches, authentication.

Operations live in modules by concept (``rounds``, ``registration``, ``deposits``, ``status``,
``lab``) as functions of a ``Service``; this module holds what they share.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import anyio
from sqlalchemy import Connection, Row, bindparam, func, select

from targets.reference import schema
from targets.reference.config import Settings
from targets.reference.db import Database
from targets.reference.draw import EligibleList
from targets.reference.errors import conflict, forbidden, not_found, unauthorized
from targets.reference.keys import bind_instance_keys
from targets.reference.national_id import NationalIdHasher
from targets.reference.security import hash_token, is_operator
from targets.reference.selection import Selection
from targets.reference.validation import is_id

__all__ = ["InFlight", "Service", "read_eligible", "round_view"]

_CACHED_ROUNDS = 8  # rounds whose frozen list and draw outcome stay in memory
_BEFORE_DRAW = ("registration", "closed", "committed")
_T = TypeVar("_T")
# Statements of every request, built once (building one costs more CPU than running it).
_APPLICANTS = schema.applicants.c
_BY_TOKEN = select(_APPLICANTS.round_id, _APPLICANTS.applicant_id, _APPLICANTS.national_key).where(
    _APPLICANTS.token_hash == bindparam("token_hash")
)
_ROUND = select(schema.rounds).where(schema.rounds.c.round_id == bindparam("round_id"))


class InFlight:
    """Deposit requests being processed, by (round, applicant, idempotency key).

    A retry that arrives while its original is still running gets 409 ``request_in_progress``
    instead of queueing behind it. Correctness does not depend on this registry: the database's
    round lock and unique constraints decide; this only tells a retrying client to come back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[tuple[str, str, str], int] = {}

    @contextmanager
    def claim(self, key: tuple[str, str, str], amount: int) -> Iterator[int | None]:
        """Yield None when claimed, else the amount of the request already running."""
        with self._lock:
            running = self._running.get(key)
            if running is None:
                self._running[key] = amount
        if running is not None:
            yield running
            return
        try:
            yield None
        finally:
            with self._lock:
                del self._running[key]


class _RoundCache(Generic[_T]):
    """Least-recently-used map from round id to something of that round that never changes."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, _T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, round_id: str) -> _T | None:
        with self._lock:
            found = self._items.get(round_id)
            if found is not None:
                self._items.move_to_end(round_id)
            return found

    def put(self, round_id: str, value: _T) -> None:
        with self._lock:
            self._items[round_id] = value
            self._items.move_to_end(round_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class Service:
    """One running reference system."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url, settings.worker_threads)
        self.limiter = anyio.CapacityLimiter(settings.worker_threads)
        self.db.create_schema()
        self.key_binding = bind_instance_keys(
            self.db, settings.key, settings.key_file, settings.database_url
        )
        self.keys = self.key_binding.keys
        self.hash_national_id = NationalIdHasher(self.keys.national_id)
        self.in_flight = InFlight()
        self._eligible: _RoundCache[EligibleList] = _RoundCache(_CACHED_ROUNDS)
        self._selections: _RoundCache[Selection] = _RoundCache(_CACHED_ROUNDS)

    def close(self) -> None:
        self.db.dispose()

    # authentication ----------------------------------------------------------------------------

    def applicant_by_token(self, token: str, conn: Connection | None = None) -> Any:
        """The applicant a token belongs to (or None), read in ``conn`` or on its own."""
        params = {"token_hash": hash_token(token)}
        if conn is not None:
            return conn.execute(_BY_TOKEN, params).first()
        with self.db.single() as own:
            return own.execute(_BY_TOKEN, params).first()

    def require_operator(self, token: str | None) -> None:
        """401 for no or unknown token, 403 for an applicant's token."""
        if is_operator(token, self.settings.admin_token):
            return
        if token is not None and self.applicant_by_token(token) is not None:
            raise forbidden("this operation needs the operator token")
        raise unauthorized()

    def require_applicant(
        self, token: str | None, round_id: str, conn: Connection | None = None
    ) -> Row[Any]:
        """401 for no or unknown token, 403 for the operator's or another round's token."""
        if token is None:
            raise unauthorized()
        if is_operator(token, self.settings.admin_token):
            raise forbidden("this operation needs an applicant token")
        row = self.applicant_by_token(token, conn)
        if row is None:
            raise unauthorized()
        if row.round_id != round_id:
            raise forbidden("this token belongs to another round")
        return row

    # rounds ------------------------------------------------------------------------------------

    def locked_round(self, conn: Connection, round_id: str, *, shared: bool = False) -> Row[Any]:
        """The round's row under lock, or 404."""
        row = self.db.lock_round(conn, round_id, shared=shared) if is_id(round_id) else None
        if row is None:
            raise not_found("no round with this id")
        return row

    def read_round(self, conn: Connection, round_id: str) -> Row[Any]:
        row = None
        if is_id(round_id):
            row = conn.execute(_ROUND, {"round_id": round_id}).first()
        if row is None:
            raise not_found("no round with this id")
        return row

    def eligible(self, conn: Connection, round_row: Row[Any]) -> EligibleList:
        """The frozen eligible list of a round from ``closed`` on (cached: it never changes)."""
        if round_row.state == "registration":
            raise conflict("wrong_state", "the eligible list exists once registration is closed")
        cached = self._eligible.get(round_row.round_id)
        if cached is not None:
            return cached
        eligible = read_eligible(conn, round_row.round_id)
        if eligible.digest.hex() != round_row.applicants_digest:
            raise RuntimeError(f"eligible list of {round_row.round_id} differs from its digest")
        self._eligible.put(round_row.round_id, eligible)
        return eligible

    def remember_eligible(self, round_id: str, eligible: EligibleList) -> None:
        """Called by ``close`` once it has committed, so the draw does not read the list again."""
        self._eligible.put(round_id, eligible)

    def selection(self, conn: Connection, round_row: Row[Any]) -> Selection | None:
        """Who was drawn, from the round's published results (cached); None before the draw."""
        if round_row.state in _BEFORE_DRAW:
            return None
        cached = self._selections.get(round_row.round_id)
        if cached is not None:
            return cached
        table = schema.results
        body = conn.execute(
            select(table.c.body).where(table.c.round_id == round_row.round_id)
        ).scalar_one()
        selection = Selection.from_results(body)
        self._selections.put(round_row.round_id, selection)
        return selection

    def remember_selection(self, round_id: str, selection: Selection) -> None:
        """Called by ``draw`` once it has committed."""
        self._selections.put(round_id, selection)


def read_eligible(conn: Connection, round_id: str) -> EligibleList:
    """Every registered applicant id of the round, frozen in canonical order.

    One aggregate (string_agg, group_concat) hands the ids over as a single text value, several
    times faster than a row per id; both engines cap a value near 1 GB, which a round would reach
    only past 60 million registrations (an error then, never a truncated list). The ids come in
    primary-key order, which is byte order on a database this version created, so freezing them
    needs no sort; any other order is sorted all the same.
    """
    a = schema.applicants
    ordered = (
        select(a.c.applicant_id).where(a.c.round_id == round_id).order_by(a.c.applicant_id)
    ).subquery()
    joined = conn.execute(select(func.aggregate_strings(ordered.c.applicant_id, "\n"))).scalar()
    return EligibleList.from_lines(b"" if joined is None else joined.encode("ascii") + b"\n")


def round_view(conn: Connection, row: Row[Any]) -> dict[str, Any]:
    """The contract's round object; ``applicants`` counts registrations: while they are open by
    counting them, afterwards from the number frozen at the close (a round of millions is read
    often on results day, and counting it each time is a full index scan)."""
    count = row.eligible
    if count is None:
        table = schema.applicants
        count = conn.execute(
            select(func.count()).select_from(table).where(table.c.round_id == row.round_id)
        ).scalar_one()
    return {
        "round_id": row.round_id,
        "state": row.state,
        "primary_slots": row.primary_slots,
        "reserve_slots": row.reserve_slots,
        "deposit_amount": row.deposit_amount,
        "applicants": count,
        "created_at": row.created_at,
    }
