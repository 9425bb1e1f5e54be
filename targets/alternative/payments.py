"""Deposits, closing the deposit windows (forfeits and promotion), and the operator's ledger.

A deposit is decided and recorded inside one serialised write transaction, the same lock that
closing a window takes, so a payment can never slip past a closing window; the unique constraints
of the ``deposit`` table are the last word on "never two deposits" should anything else fail.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from targets.alternative import auditlog, inputs
from targets.alternative.clock import now_text
from targets.alternative.credentials import new_deposit_id
from targets.alternative.enrolment import deposit_view, place_of
from targets.alternative.refusal import Refusal
from targets.alternative.standing import standing_of
from targets.alternative.storage import Tx
from targets.alternative.system import Caller, RoundRow, System

__all__ = ["close_window", "deposit", "ledger"]

_MAX_KEY = 200
_MAX_AMOUNT = 10**15
_BY_KEY = """
    SELECT deposit_id, applicant_id, amount, created_at, idempotency_key FROM deposit
    WHERE round_id = ? AND applicant_id = ? AND idempotency_key = ?
"""
_LEDGER = """
    SELECT deposit_id, applicant_id, amount, created_at, idempotency_key FROM deposit
    WHERE round_id = ? ORDER BY created_at, deposit_id
"""


def _idempotency_key(header: str | None) -> str:
    if header is None:
        raise _key_required()
    try:  # WSGI hands headers over as Latin-1; clients send UTF-8
        key = header.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        key = header
    if not key or len(key) > _MAX_KEY:
        raise _key_required()
    return key


def _key_required() -> Refusal:
    return Refusal(400, "idempotency_key_required",
                   "Send an Idempotency-Key header of 1 to 200 characters with every deposit.")


def deposit(
    system: System, token: str | None, round_id: str, key_header: str | None, raw: bytes
) -> tuple[int, dict[str, Any]]:
    """Returns (201, new deposit) or (200, the original deposit for a replayed key)."""
    caller = system.require_applicant(token, round_id)
    key = _idempotency_key(key_header)
    amount = inputs.integer(inputs.body_object(raw), "amount", 1, _MAX_AMOUNT)
    with system.store.read() as tx:
        replay = _replay(tx, round_id, caller.applicant_id, key, amount)
    if replay is not None:
        return 200, replay
    flight = (round_id, caller.applicant_id, key)
    system.start_payment(flight, amount)
    try:
        with system.store.write() as tx:
            replay = _replay(tx, round_id, caller.applicant_id, key, amount)
            if replay is not None:
                return 200, replay
            return 201, _record(system, tx, caller, key, amount)
    finally:
        system.end_payment(flight)


def _replay(
    tx: Tx, round_id: str, applicant_id: str, key: str, amount: int
) -> dict[str, Any] | None:
    row = tx.one(_BY_KEY, (round_id, applicant_id, key))
    if row is None:
        return None
    if row[2] != amount:
        raise Refusal(422, "idempotency_mismatch",
                      "This idempotency key was used for a different amount.")
    return deposit_view(row, round_id)


def _record(system: System, tx: Tx, caller: Caller, key: str, amount: int) -> dict[str, Any]:
    row = system.round_or_404(tx, caller.round_id)
    _entitled(tx, row, caller, amount)
    created = (new_deposit_id(), caller.applicant_id, amount, now_text(), key)
    try:
        tx.execute(
            "INSERT INTO deposit (deposit_id, applicant_id, amount, created_at, idempotency_key,"
            " round_id, person) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*created, row.round_id, caller.person),
        )
    except sqlite3.IntegrityError:
        raise Refusal(409, "already_deposited", "A deposit is already on record.") from None
    auditlog.append(tx, row.round_id, "deposit", {
        "deposit_id": created[0], "applicant_id": caller.applicant_id, "amount": amount})
    return deposit_view(created, row.round_id)


def _entitled(tx: Tx, row: RoundRow, caller: Caller, amount: int) -> None:
    """The contract's decision order after the idempotency check."""
    if row.state not in ("drawn", "promotion"):
        raise Refusal(409, "window_closed", f"Round {row.round_id} is not taking deposits now.")
    if tx.one("SELECT 1 FROM deposit WHERE round_id = ? AND applicant_id = ?",
              (row.round_id, caller.applicant_id)) is not None:
        raise Refusal(409, "already_deposited", "Your deposit for this round is already paid.")
    standing = standing_of(row.state, place_of(tx, row.round_id, caller.applicant_id), False)
    if not standing.payable:
        raise Refusal(403, "not_entitled",
                      f"Your status is '{standing.status}': you are not entitled to pay now.")
    if tx.one("SELECT 1 FROM deposit WHERE person = ?", (caller.person,)) is not None:
        raise Refusal(403, "previous_winner",
                      "A deposit under this national id was already paid in another round.")
    if amount != row.deposit_amount:
        raise Refusal(422, "wrong_amount",
                      f"The deposit for this round is exactly {row.deposit_amount}.")


def close_window(system: System, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    system.require_operator(token)
    with system.store.write() as tx:
        row = system.round_or_404(tx, round_id)
        expected = inputs.body_object(raw, empty_means={}).get("expected_state")
        if expected not in ("drawn", "promotion"):
            raise Refusal(422, "invalid_request",
                          "'expected_state' must be 'drawn' or 'promotion'.")
        if row.state != expected:
            raise Refusal(409, "wrong_state",
                          f"Round {round_id} is {row.state}, not {expected}.")
        if expected == "drawn":
            return _promote(tx, row)
        return _finish(tx, row)


_UNPAID_PRIMARIES = """
    SELECT applicant_id FROM placement p WHERE round_id = ? AND kind = 'primary'
    AND NOT EXISTS (SELECT 1 FROM deposit d
                    WHERE d.round_id = p.round_id AND d.applicant_id = p.applicant_id)
    ORDER BY rank
"""
_UNPAID_PROMOTED = """
    SELECT applicant_id FROM promotion p WHERE round_id = ?
    AND NOT EXISTS (SELECT 1 FROM deposit d
                    WHERE d.round_id = p.round_id AND d.applicant_id = p.applicant_id)
    ORDER BY reserve_rank
"""


def _promote(tx: Tx, row: RoundRow) -> dict[str, Any]:
    forfeited = [r[0] for r in tx.all(_UNPAID_PRIMARIES, (row.round_id,))]
    reserves = tx.all(
        "SELECT applicant_id, rank FROM placement WHERE round_id = ? AND kind = 'reserve'"
        " ORDER BY rank LIMIT ?",
        (row.round_id, len(forfeited)),
    )
    tx.executemany("INSERT INTO promotion (round_id, applicant_id, reserve_rank) VALUES (?, ?, ?)",
                   [(row.round_id, a, rank) for a, rank in reserves])
    promoted = [a for a, _ in reserves]
    _advance(tx, row, "promotion")
    auditlog.append(tx, row.round_id, "promotion",
                    {"forfeited": forfeited, "promoted": promoted})
    return {"state": "promotion", "promoted": promoted}


def _finish(tx: Tx, row: RoundRow) -> dict[str, Any]:
    forfeited = [r[0] for r in tx.all(_UNPAID_PROMOTED, (row.round_id,))]
    _advance(tx, row, "final")
    auditlog.append(tx, row.round_id, "final", {"forfeited": forfeited})
    return {"state": "final", "promoted": []}


def _advance(tx: Tx, row: RoundRow, to: str) -> None:
    changed = tx.execute("UPDATE round SET state = ? WHERE round_id = ? AND state = ?",
                         (to, row.round_id, row.state)).rowcount
    if changed != 1:
        raise Refusal(409, "wrong_state", f"Round {row.round_id} changed state meanwhile.")


def ledger(system: System, token: str | None, round_id: str) -> dict[str, Any]:
    system.require_operator(token)
    with system.store.read() as tx:
        system.round_or_404(tx, round_id)
        rows = tx.all(_LEDGER, (round_id,))
    entries = [deposit_view(r, round_id, with_key=True) for r in rows]
    return {"round_id": round_id, "deposits": entries}
