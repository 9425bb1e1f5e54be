"""The service object shared by all operations: database, settings, caches, authentication.

Operations live in modules by concept (``rounds``, ``registration``, ``deposits``, ``status``,
``lab``) as functions of a ``Service``; this module holds what they share.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
from sqlalchemy import Connection, Row, func, select

from targets.reference import schema
from targets.reference.config import Settings
from targets.reference.db import Database
from targets.reference.draw import EligibleList
from targets.reference.errors import conflict, forbidden, not_found, unauthorized
from targets.reference.keys import bind_instance_keys
from targets.reference.national_id import NationalIdHasher
from targets.reference.security import hash_token, is_operator
from targets.reference.validation import is_id

__all__ = ["InFlight", "Service", "round_view"]

_ELIGIBLE_CACHE_ROUNDS = 8


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
        self._eligible: OrderedDict[str, EligibleList] = OrderedDict()
        self._eligible_lock = threading.Lock()

    def close(self) -> None:
        self.db.dispose()

    # authentication ----------------------------------------------------------------------------

    def applicant_by_token(self, token: str, conn: Connection | None = None) -> Any:
        """The applicant a token belongs to (or None), read in ``conn`` or a new transaction."""
        table = schema.applicants
        query = select(table.c.round_id, table.c.applicant_id, table.c.national_key)
        query = query.where(table.c.token_hash == hash_token(token))
        if conn is not None:
            return conn.execute(query).first()
        with self.db.read() as own:
            return own.execute(query).first()

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
            query = select(schema.rounds).where(schema.rounds.c.round_id == round_id)
            row = conn.execute(query).first()
        if row is None:
            raise not_found("no round with this id")
        return row

    def eligible(self, conn: Connection, round_row: Row[Any]) -> EligibleList:
        """The frozen eligible list of a round from ``closed`` on (cached: it never changes)."""
        if round_row.state == "registration":
            raise conflict("wrong_state", "the eligible list exists once registration is closed")
        with self._eligible_lock:
            cached = self._eligible.get(round_row.round_id)
        if cached is not None:
            return cached
        table = schema.applicants
        ids = conn.execute(
            select(table.c.applicant_id).where(table.c.round_id == round_row.round_id)
        ).scalars()
        eligible = EligibleList(ids)
        if eligible.digest.hex() != round_row.applicants_digest:
            raise RuntimeError(f"eligible list of {round_row.round_id} differs from its digest")
        with self._eligible_lock:
            self._eligible[round_row.round_id] = eligible
            while len(self._eligible) > _ELIGIBLE_CACHE_ROUNDS:
                self._eligible.popitem(last=False)
        return eligible


def round_view(conn: Connection, row: Row[Any]) -> dict[str, Any]:
    """The contract's round object; ``applicants`` counts registrations."""
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
