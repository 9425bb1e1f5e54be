"""Deposits, the deposit window's close (forfeits and promotion), and the operator's ledger.

A deposit decides state, entitlement and amount inside one transaction that holds the round's
lock: shared on PostgreSQL (FOR SHARE, so deposits of different applicants run concurrently),
exclusive for ``deposits/close`` (FOR UPDATE); on SQLite every writer is exclusive (BEGIN
IMMEDIATE). So a deposit is either in the ledger before the close forfeits its payer or is
refused with ``window_closed``/``not_entitled`` after it, never both. Two deposits of one
applicant that run together are settled by the unique constraints; the audit chain takes its
own per-round lock, at commit (``audit.append``). The unique constraints on
(round, applicant), (round, applicant, key) and the person's national key are the last line:
never two deposits per applicant, nor per person across rounds (two rounds each hold only their
own lock, so only the database can settle a person paying in both at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from targets.reference import audit, schema
from targets.reference.db import utc_now
from targets.reference.errors import ApiError, bad_request, conflict, forbidden
from targets.reference.rounds import move_state
from targets.reference.security import new_deposit_id
from targets.reference.service import Service
from targets.reference.status import deposit_view, facts, standing
from targets.reference.validation import parse_object, require_int

__all__ = ["close_deposits", "deposit", "ledger"]

_MAX_KEY_CHARS = 200
_MAX_AMOUNT = 10**15
_OPEN_STATES = ("drawn", "promotion")


def deposit(
    svc: Service, token: str | None, round_id: str, key: str | None, raw: bytes
) -> tuple[int, dict[str, Any]]:
    """(status, body): 201 for a new deposit, 200 for a replay of the same key and amount."""
    who = svc.require_applicant(token, round_id)
    if not key or len(key) > _MAX_KEY_CHARS:
        raise ApiError(400, "idempotency_key_required",
                       "send an Idempotency-Key header of 1 to 200 characters")
    amount = require_int(parse_object(raw), "amount", 1, _MAX_AMOUNT)
    with svc.in_flight.claim((round_id, who.applicant_id, key), amount) as running:
        if running is not None:
            return _while_running(svc, round_id, who.applicant_id, key, amount, running)
        try:
            return _decide(svc, round_id, who, key, amount)
        except IntegrityError:
            # Another process inserted first; deciding again sees its row and answers from it.
            return _decide(svc, round_id, who, key, amount)


def _while_running(
    svc: Service, round_id: str, applicant_id: str, key: str, amount: int, running: int
) -> tuple[int, dict[str, Any]]:
    """A retry met its original still in flight (or a later replay of a finished one)."""
    with svc.db.read() as conn:
        f = facts(svc, conn, svc.read_round(conn, round_id), applicant_id)
    if f.deposit is not None and f.deposit["idempotency_key"] == key:
        return _replay(f.deposit, amount)
    if amount != running:
        raise _mismatch()
    raise conflict("request_in_progress", "the original request with this key is still running")


def _replay(original: Any, amount: int) -> tuple[int, dict[str, Any]]:
    if original["amount"] != amount:
        raise _mismatch()
    return 200, deposit_view(original)


def _mismatch() -> ApiError:
    return bad_request("this Idempotency-Key was used for another amount",
                       code="idempotency_mismatch")


def _decide(
    svc: Service, round_id: str, who: Any, key: str, amount: int
) -> tuple[int, dict[str, Any]]:
    with svc.db.write() as conn:
        # Shared: deposits of different applicants run side by side; deposits/close takes the
        # exclusive lock, so it waits for the deposits under way and later ones wait for it.
        row = svc.locked_round(conn, round_id, shared=True)
        f = facts(svc, conn, row, who.applicant_id)
        if f.deposit is not None and f.deposit["idempotency_key"] == key:
            return _replay(f.deposit, amount)
        if row.state not in _OPEN_STATES:
            raise conflict("window_closed", "the deposit window of this round is not open")
        if f.deposit is not None:
            raise conflict("already_deposited", "you have already paid the deposit")
        s = standing(f)
        if not s.entitled:
            raise forbidden("your status in this round does not allow a deposit now",
                            code="not_entitled")
        if s.paid_elsewhere:
            raise forbidden("this national id already holds a deposit in another round",
                            code="previous_winner")
        if amount != row.deposit_amount:
            raise bad_request(f"the deposit is exactly {row.deposit_amount}", code="wrong_amount")
        values = {
            "deposit_id": new_deposit_id(),
            "round_id": round_id,
            "applicant_id": who.applicant_id,
            "national_key": who.national_key,
            "amount": amount,
            "idempotency_key": key,
            "created_at": utc_now(),
        }
        audit.append_row(conn, schema.deposits, values, "deposit", {
            "deposit_id": values["deposit_id"], "applicant_id": who.applicant_id, "amount": amount,
        })
    return 201, deposit_view(values)


def close_deposits(svc: Service, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    """drawn -> promotion (forfeit unpaid primaries, promote as many reserves in rank order);
    promotion -> final (forfeit unpaid promoted, promote no one).

    The body names the state to close, so a retried or doubled request cannot close twice. Order:
    401, 403, 404, 422 (``expected_state`` missing or unknown), 409 (it is not the round's state).
    """
    svc.require_operator(token)
    with svc.db.write() as conn:
        row = svc.locked_round(conn, round_id)
        expected = parse_object(raw).get("expected_state")
        if expected not in _OPEN_STATES:
            raise bad_request('expected_state must be "drawn" or "promotion"')
        if row.state != expected:
            raise conflict("wrong_state",
                           f"the round is {row.state!r}, not {expected!r}: nothing was closed")
        if row.state == "drawn":
            drawn = svc.selection(conn, row)
            if drawn is None:
                raise RuntimeError(f"round {round_id} is drawn but has no selection")
            paid = _paid(conn, round_id)
            forfeited = [aid for aid in drawn.primary if aid not in paid]
            promoted = _promote(conn, round_id, len(forfeited), drawn.reserve)
            move_state(conn, round_id, "drawn", "promotion")
            audit.append(conn, round_id, "promotion",
                         {"forfeited": forfeited, "promoted": promoted})
            return {"state": "promotion", "promoted": promoted}
        forfeited = _unpaid_promoted(conn, round_id)
        move_state(conn, round_id, "promotion", "final")
        audit.append(conn, round_id, "final", {"forfeited": forfeited})
        return {"state": "final", "promoted": []}


def _paid(conn: Connection, round_id: str) -> set[str]:
    """Who has a deposit in this round, read as one aggregate (up to ~190,000 ids)."""
    d = schema.deposits
    joined = conn.execute(
        select(func.aggregate_strings(d.c.applicant_id, "\n")).where(d.c.round_id == round_id)
    ).scalar()
    return set() if joined is None else set(joined.split("\n"))


def _unpaid_promoted(conn: Connection, round_id: str) -> list[str]:
    """Promoted reserves without a deposit, in rank order (one anti-join)."""
    d, p = schema.deposits, schema.promotions
    paid = select(d.c.deposit_id).where(
        d.c.round_id == round_id, d.c.applicant_id == p.c.applicant_id
    )
    query = select(p.c.applicant_id).where(p.c.round_id == round_id, ~paid.exists())
    return list(conn.execute(query.order_by(p.c.reserve_rank)).scalars())


def _promote(conn: Connection, round_id: str, count: int, reserve: Sequence[str]) -> list[str]:
    """Promote the first ``count`` of the reserve list (rank order), fewer if it runs out."""
    promoted = list(reserve[:count])
    if promoted:
        now = utc_now()
        conn.execute(schema.promotions.insert(), [
            {"round_id": round_id, "applicant_id": aid, "reserve_rank": rank, "promoted_at": now}
            for rank, aid in enumerate(promoted, start=1)
        ])
    return promoted


def ledger(svc: Service, token: str | None, round_id: str) -> dict[str, Any]:
    svc.require_operator(token)
    d = schema.deposits
    with svc.db.read() as conn:
        svc.read_round(conn, round_id)
        rows = conn.execute(
            select(d).where(d.c.round_id == round_id).order_by(d.c.created_at, d.c.deposit_id)
        ).all()
    return {"deposits": [deposit_view(r._mapping, ledger=True) for r in rows]}
