"""Two steps of the reference's deposit, taken apart for the deposit defects (never a copy).

``rehearse`` runs the reference's own decision (``deposits._decide``) inside a savepoint that is
always rolled back: the full decision order and the values it would insert, nothing written.
``record`` then writes such a decision in a transaction of its own. A correct system does both in
one transaction; the defects put time, or a crash, between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["rehearse", "record"]


class _Rehearsal:
    """The service as ``_decide`` sees it, whose write transactions never commit."""

    def __init__(self, svc: Any) -> None:
        self._svc = svc
        self.db = self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._svc, name)

    @contextmanager
    def write(self) -> Iterator[Any]:
        with self._svc.db.write() as conn:
            savepoint = conn.begin_nested()
            try:
                yield conn
            finally:
                savepoint.rollback()


def rehearse(decide: Callable[..., tuple[int, dict[str, Any]]], svc: Any, round_id: str,
             who: Any, key: str, amount: int) -> tuple[int, dict[str, Any]]:
    """The reference's answer to this deposit, computed without writing it."""
    return decide(_Rehearsal(svc), round_id, who, key, amount)


def record(svc: Any, round_id: str, who: Any, key: str, view: dict[str, Any]) -> None:
    """Write a rehearsed new deposit and its audit entry, checking nothing."""
    from targets.reference import audit, schema

    with svc.db.write() as conn:
        conn.execute(schema.deposits.insert().values(
            deposit_id=view["deposit_id"], round_id=round_id, applicant_id=who.applicant_id,
            national_key=who.national_key, amount=view["amount"], idempotency_key=key,
            created_at=view["created_at"],
        ))
        audit.append(conn, round_id, "deposit", {
            "deposit_id": view["deposit_id"], "applicant_id": who.applicant_id,
            "amount": view["amount"],
        })
