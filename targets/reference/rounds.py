"""The round state machine: create, close, commit, draw, and the public round documents.

``registration -> closed -> committed -> drawn -> promotion -> final``. Every transition runs in
one transaction that holds the round's lock, re-reads the state, and moves it with a conditional
UPDATE (``WHERE state = expected``), so of two concurrent identical transitions exactly one wins
and the other answers 409 ``wrong_state``. The audit entry is written in the same transaction.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from targets.reference import audit, schema
from targets.reference.config import MAX_BODY_BYTES
from targets.reference.db import utc_now
from targets.reference.draw import (
    ALGORITHM,
    derive_seed,
    seed_commitment,
)
from targets.reference.errors import bad_request, conflict
from targets.reference.security import new_server_seed
from targets.reference.selection import Selection
from targets.reference.service import Service, read_eligible, round_view
from targets.reference.validation import (
    is_id,
    optional_hex,
    optional_text,
    parse_object,
    require_int,
)

__all__ = [
    "applicant_list",
    "audit_log",
    "close_registration",
    "commit",
    "create_round",
    "draw",
    "get_round",
    "move_state",
    "promotions",
    "results",
]

_MAX_SLOTS = 10_000_000
_MAX_AMOUNT = 10**15
_MAX_BEACON_BYTES = 128
_MAX_BEACON_SOURCE = MAX_BODY_BYTES  # free text: only the body limit bounds it


def move_state(conn: Connection, round_id: str, expected: str, new: str, **values: Any) -> None:
    """Conditional transition; the caller already checked, this is the database's guarantee."""
    table = schema.rounds
    done = conn.execute(
        update(table)
        .where(table.c.round_id == round_id, table.c.state == expected)
        .values(state=new, **values)
    )
    if done.rowcount != 1:
        raise conflict("wrong_state", f"the round is no longer in state {expected!r}")


def _expect_state(row: Any, expected: str) -> None:
    if row.state != expected:
        raise conflict("wrong_state", f"the round is {row.state!r}, this needs {expected!r}")


def create_round(svc: Service, token: str | None, raw: bytes) -> dict[str, Any]:
    svc.require_operator(token)
    body = parse_object(raw)
    round_id = body.get("round_id")
    if not isinstance(round_id, str) or not is_id(round_id):
        raise bad_request("round_id must match [A-Za-z0-9_-]{1,64}")
    # 409 round_exists comes before 422 in the contract's order, so look before validating more.
    table = schema.rounds
    with svc.db.read() as conn:
        if conn.execute(select(table.c.round_id).where(table.c.round_id == round_id)).first():
            raise conflict("round_exists", f"round {round_id!r} already exists")
    values = {
        "primary_slots": require_int(body, "primary_slots", 0, _MAX_SLOTS),
        "reserve_slots": require_int(body, "reserve_slots", 0, _MAX_SLOTS),
        "deposit_amount": require_int(body, "deposit_amount", 1, _MAX_AMOUNT),
    }
    try:
        with svc.db.write() as conn:
            conn.execute(
                schema.rounds.insert().values(
                    round_id=round_id, state="registration", created_at=utc_now(), **values
                )
            )
            audit.append(conn, round_id, "round_created", values)
            return round_view(conn, svc.locked_round(conn, round_id))
    except IntegrityError as exc:  # a concurrent create of the same id won
        raise conflict("round_exists", f"round {round_id!r} already exists") from exc


def get_round(svc: Service, round_id: str) -> dict[str, Any]:
    with svc.db.read() as conn:
        return round_view(conn, svc.read_round(conn, round_id))


def close_registration(svc: Service, token: str | None, round_id: str) -> dict[str, Any]:
    """Freeze the eligible list and publish its digest."""
    svc.require_operator(token)
    with svc.db.write() as conn:
        row = svc.locked_round(conn, round_id)
        _expect_state(row, "registration")
        eligible = read_eligible(conn, round_id)
        digest = eligible.digest.hex()
        move_state(conn, round_id, "registration", "closed", eligible=len(eligible),
                   applicants_digest=digest)
        audit.append(conn, round_id, "closed", {"applicants": len(eligible),
                                                "applicants_digest": digest})
    svc.remember_eligible(round_id, eligible)  # only once the close has committed
    return {"applicants": len(eligible), "applicants_digest": digest}


def applicant_list(svc: Service, round_id: str) -> bytes:
    with svc.db.read() as conn:
        return svc.eligible(conn, svc.read_round(conn, round_id)).text


def commit(svc: Service, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    """Draw the server seed from the CSPRNG and publish only its commitment."""
    svc.require_operator(token)
    with svc.db.write() as conn:
        row = svc.locked_round(conn, round_id)
        _expect_state(row, "closed")
        body = parse_object(raw, empty_is_object=True)
        beacon_source = optional_text(body, "beacon_source", _MAX_BEACON_SOURCE)
        server_seed = new_server_seed()
        commitment = seed_commitment(server_seed).hex()
        sealed = svc.keys.seal_seed(round_id, server_seed)
        move_state(conn, round_id, "closed", "committed", sealed_seed=sealed,
                   seed_commitment=commitment, beacon_source=beacon_source)
        audit.append(conn, round_id, "committed", {"seed_commitment": commitment,
                                                   "beacon_source": beacon_source})
    return {"seed_commitment": commitment, "beacon_source": beacon_source}


def draw(svc: Service, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    """Mix in the beacon, run ACS-DRAW-1, publish results and reveal the server seed."""
    svc.require_operator(token)
    with svc.db.write() as conn:
        row = svc.locked_round(conn, round_id)
        _expect_state(row, "committed")
        beacon = optional_hex(parse_object(raw, empty_is_object=True), "beacon", _MAX_BEACON_BYTES)
        server_seed = svc.keys.open_seed(round_id, row.sealed_seed)
        seed = derive_seed(server_seed, beacon)
        outcome = svc.eligible(conn, row).draw(round_id, row.primary_slots, row.reserve_slots, seed)
        # The results record is the one record of who was drawn (selection.py): one row to write.
        published = {
            "round_id": round_id,
            "algorithm": ALGORITHM,
            "applicants": outcome.applicants,
            "applicants_digest": outcome.applicants_digest,
            "seed_commitment": row.seed_commitment,
            "beacon_source": row.beacon_source,
            "server_seed": server_seed.hex(),
            "beacon": beacon.hex(),
            "seed": outcome.seed,
            "primary_slots": outcome.primary_slots,
            "reserve_slots": outcome.reserve_slots,
            "primary": outcome.primary,
            "reserve": outcome.reserve,
            "published_at": utc_now(),
            "results_digest": outcome.results_digest,
        }
        conn.execute(schema.results.insert().values(
            round_id=round_id, body=json.dumps(published), published_at=published["published_at"]
        ))
        move_state(conn, round_id, "committed", "drawn")
        audit.append(conn, round_id, "drawn", {
            "results_digest": published["results_digest"], "server_seed": server_seed.hex(),
            "beacon": beacon.hex(), "primary": len(outcome.primary),
            "reserve": len(outcome.reserve),
        })
    svc.remember_selection(round_id, Selection(outcome.primary, outcome.reserve))
    return published


def results(svc: Service, round_id: str) -> dict[str, Any]:
    with svc.db.read() as conn:
        row = svc.read_round(conn, round_id)
        body = conn.execute(
            select(schema.results.c.body).where(schema.results.c.round_id == round_id)
        ).scalar()
    if body is None:
        raise conflict("not_drawn", f"round {row.round_id!r} has not been drawn yet")
    published: dict[str, Any] = json.loads(body)
    return published


def promotions(svc: Service, round_id: str) -> dict[str, Any]:
    table = schema.promotions
    with svc.db.read() as conn:
        svc.read_round(conn, round_id)
        ids = conn.execute(
            select(table.c.applicant_id)
            .where(table.c.round_id == round_id)
            .order_by(table.c.reserve_rank)
        ).scalars().all()
    return {"promoted": list(ids)}


def audit_log(svc: Service, token: str | None, round_id: str) -> dict[str, Any]:
    """The round's whole hash chain (operator only)."""
    svc.require_operator(token)
    with svc.db.read() as conn:
        svc.read_round(conn, round_id)
        return {"entries": audit.entries(conn, round_id)}
