"""Registration and an applicant's own view (``/me``)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from targets.alternative import inputs
from targets.alternative.clock import now_text
from targets.alternative.credentials import new_applicant_id, new_token, token_digest
from targets.alternative.refusal import Refusal
from targets.alternative.standing import Place, standing_of
from targets.alternative.storage import Tx
from targets.alternative.system import Caller, System

__all__ = ["deposit_view", "me", "place_of", "register"]


def register(system: System, round_id: str, raw: bytes) -> dict[str, Any]:
    with system.store.read() as tx:
        system.round_or_404(tx, round_id)
    body = inputs.body_object(raw)
    national_id = inputs.national_id_shape(body)
    name = inputs.text(body, "name", 200)
    region = inputs.text(body, "region", 100)
    if not inputs.check_digit_ok(national_id):
        raise Refusal(422, "invalid_national_id", "This national id is not valid (check digit).")
    person = system.keyring.pseudonym(national_id)
    applicant_id, token = new_applicant_id(), new_token()
    profile = system.keyring.seal(json.dumps({"name": name, "region": region}).encode(),
                                  b"profile:" + applicant_id.encode("ascii"))
    with system.store.write() as tx:
        _admissible(system, tx, round_id, person)
        try:
            tx.execute(
                "INSERT INTO applicant (applicant_id, round_id, person, token_digest, profile,"
                " registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (applicant_id, round_id, person, token_digest(token), profile, now_text()),
            )
        except sqlite3.IntegrityError:
            raise _duplicate() from None
        tx.execute("UPDATE round SET registered = registered + 1 WHERE round_id = ?", (round_id,))
    return {
        "applicant_id": applicant_id,
        "round_id": round_id,
        "token": token,
        "links": {"me": f"/v1/rounds/{round_id}/me"},
    }


def _duplicate() -> Refusal:
    return Refusal(409, "duplicate_registration",
                   "This national id is already registered in this round.")


def _admissible(system: System, tx: Tx, round_id: str, person: bytes) -> None:
    row = system.round_or_404(tx, round_id)
    if row.state != "registration":
        raise Refusal(409, "registration_closed", f"Registration for round {round_id} is closed.")
    if tx.one("SELECT 1 FROM deposit WHERE person = ?", (person,)) is not None:
        raise Refusal(403, "previous_winner",
                      "This national id already paid a deposit in another round and cannot enter.")
    if tx.one("SELECT 1 FROM applicant WHERE round_id = ? AND person = ?",
              (round_id, person)) is not None:
        raise _duplicate()


def place_of(tx: Tx, round_id: str, applicant_id: str) -> Place:
    found = tx.one("SELECT kind, rank FROM placement WHERE round_id = ? AND applicant_id = ?",
                   (round_id, applicant_id))
    promoted = tx.one("SELECT 1 FROM promotion WHERE round_id = ? AND applicant_id = ?",
                      (round_id, applicant_id)) is not None
    if found is None:
        return Place(None, None, False)
    return Place(found[0], found[1], promoted)


def deposit_view(row: tuple[Any, ...], round_id: str, *, with_key: bool = False) -> dict[str, Any]:
    """A deposit row (id, applicant, amount, created_at, key) as the contract's object."""
    view: dict[str, Any] = {
        "deposit_id": row[0],
        "amount": row[2],
        "applicant_id": row[1],
        "created_at": row[3],
        "round_id": round_id,
    }
    if with_key:
        view["idempotency_key"] = row[4]
    return view


def me(system: System, token: str | None, round_id: str) -> dict[str, Any]:
    caller = system.require_applicant(token, round_id)
    with system.store.read() as tx:
        row = system.round_or_404(tx, round_id)
        return _my_view(tx, caller, row.state, round_id)


def _my_view(tx: Tx, caller: Caller, state: str, round_id: str) -> dict[str, Any]:
    own = tx.one(
        "SELECT deposit_id, applicant_id, amount, created_at, idempotency_key FROM deposit"
        " WHERE round_id = ? AND applicant_id = ?",
        (round_id, caller.applicant_id),
    )
    elsewhere = own is None and tx.one(
        "SELECT 1 FROM deposit WHERE person = ?", (caller.person,)) is not None
    standing = standing_of(state, place_of(tx, round_id, caller.applicant_id), own is not None)
    return {
        "applicant_id": caller.applicant_id,
        "round_state": state,
        "status": standing.status,
        "reserve_rank": standing.reserve_rank,
        "can_deposit": standing.payable and not elsewhere,
        "deposit": None if own is None else deposit_view(own, round_id),
        "message": standing.message(elsewhere, own is not None),
    }
