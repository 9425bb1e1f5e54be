"""A round's life: create, close, commit, draw, and the public reads of what they produced.

Each transition checks and changes the state inside one serialised write transaction, with an
``UPDATE ... WHERE state = <expected>`` whose row count must be one, and the database trigger
refuses any other move: of two concurrent draws exactly one succeeds.
"""

from __future__ import annotations

import json
from typing import Any

from targets.alternative import auditlog, inputs
from targets.alternative.acsdraw import (
    ALGORITHM,
    FrozenList,
    commitment_of,
    draw,
    results_digest,
    seed_from,
)
from targets.alternative.clock import now_text
from targets.alternative.credentials import new_server_seed
from targets.alternative.refusal import Refusal
from targets.alternative.storage import Tx
from targets.alternative.system import RoundRow, System

__all__ = [
    "applicant_list",
    "audit_chain",
    "close_registration",
    "commit",
    "create_round",
    "perform_draw",
    "promotions",
    "read_round",
    "results",
]

_MAX_SLOTS = 10_000_000
_MAX_AMOUNT = 10**15
_MAX_BEACON = 128


def _wrong_state(row: RoundRow, wanted: str) -> Refusal:
    return Refusal(409, "wrong_state",
                   f"Round {row.round_id} is {row.state}; this step needs it to be {wanted}.")


_TO_CLOSED = """
    UPDATE round SET state = 'closed', eligible = ?, applicants_digest = ?
    WHERE round_id = ? AND state = 'registration'
"""
_TO_COMMITTED = """
    UPDATE round SET state = 'committed', sealed_seed = ?, seed_commitment = ?, beacon_source = ?
    WHERE round_id = ? AND state = 'closed'
"""
_TO_DRAWN = "UPDATE round SET state = 'drawn' WHERE round_id = ? AND state = 'committed'"


def _move(tx: Tx, row: RoundRow, statement: str, params: tuple[object, ...]) -> None:
    """One transition; the ``state = <expected>`` guard must have matched exactly one row."""
    if tx.execute(statement, (*params, row.round_id)).rowcount != 1:
        raise _wrong_state(row, row.state)


def create_round(system: System, token: str | None, raw: bytes) -> dict[str, Any]:
    system.require_operator(token)
    body = inputs.body_object(raw)
    round_id = inputs.round_id_or_none(body.get("round_id"))
    with system.store.write() as tx:
        if round_id is not None and system.find_round(tx, round_id) is not None:
            raise Refusal(409, "round_exists", f"A round called {round_id!r} already exists.")
        if round_id is None:
            raise Refusal(422, "invalid_request",
                          "'round_id' must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.")
        primary = inputs.integer(body, "primary_slots", 0, _MAX_SLOTS)
        reserve = inputs.integer(body, "reserve_slots", 0, _MAX_SLOTS)
        amount = inputs.integer(body, "deposit_amount", 1, _MAX_AMOUNT)
        tx.execute(
            "INSERT INTO round (round_id, state, primary_slots, reserve_slots, deposit_amount,"
            " created_at) VALUES (?, 'registration', ?, ?, ?, ?)",
            (round_id, primary, reserve, amount, now_text()),
        )
        auditlog.append(tx, round_id, "round_created", {
            "primary_slots": primary, "reserve_slots": reserve, "deposit_amount": amount})
        return system.round_or_404(tx, round_id).public()


def read_round(system: System, round_id: str) -> dict[str, Any]:
    with system.store.read() as tx:
        return system.round_or_404(tx, round_id).public()


def close_registration(system: System, token: str | None, round_id: str) -> dict[str, Any]:
    system.require_operator(token)
    with system.store.write() as tx:
        row = system.round_or_404(tx, round_id)
        if row.state != "registration":
            raise _wrong_state(row, "registration")
        ids = [r[0] for r in tx.all("SELECT applicant_id FROM applicant WHERE round_id = ?",
                                    (round_id,))]
        frozen = FrozenList(ids)
        digest = frozen.digest.hex()
        _move(tx, row, _TO_CLOSED, (len(frozen), digest))
        auditlog.append(tx, round_id, "closed",
                        {"applicants": len(frozen), "applicants_digest": digest})
    return {"applicants_digest": digest, "applicants": len(frozen)}


def applicant_list(system: System, round_id: str) -> bytes:
    with system.store.read() as tx:
        row = system.round_or_404(tx, round_id)
        if row.state == "registration":
            raise _wrong_state(row, "closed or later")
        return system.frozen_list(tx, row).text


def commit(system: System, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    system.require_operator(token)
    with system.store.write() as tx:
        row = system.round_or_404(tx, round_id)
        if row.state != "closed":
            raise _wrong_state(row, "closed")
        source = inputs.optional_text(inputs.body_object(raw, empty_means={}), "beacon_source")
        server_seed = new_server_seed()
        sealed = system.keyring.seal(server_seed, b"server-seed:" + round_id.encode("ascii"))
        commitment = commitment_of(server_seed).hex()
        _move(tx, row, _TO_COMMITTED, (sealed, commitment, source))
        auditlog.append(tx, round_id, "committed",
                        {"seed_commitment": commitment, "beacon_source": source})
    return {"beacon_source": source, "seed_commitment": commitment}


def perform_draw(system: System, token: str | None, round_id: str, raw: bytes) -> bytes:
    """Draw once and publish; the published document is stored and served byte for byte."""
    system.require_operator(token)
    with system.store.write() as tx:
        row = system.round_or_404(tx, round_id)
        if row.state != "committed":
            raise _wrong_state(row, "committed")
        body = inputs.body_object(raw, empty_means={})
        given = body.get("beacon")
        beacon = b"" if given is None else inputs.hex_bytes(given, "beacon", most=_MAX_BEACON)
        if row.sealed_seed is None:
            raise RuntimeError(f"round {round_id} is committed but holds no sealed seed")
        server_seed = system.keyring.open(row.sealed_seed, b"server-seed:" + round_id.encode())
        document = _publish(system, tx, row, server_seed, beacon)
        _move(tx, row, _TO_DRAWN, ())
        auditlog.append(tx, round_id, "drawn", {
            "seed": document["seed"], "beacon": document["beacon"],
            "results_digest": document["results_digest"]})
    return _stored_text(document)


def _stored_text(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _publish(
    system: System, tx: Tx, row: RoundRow, server_seed: bytes, beacon: bytes
) -> dict[str, Any]:
    frozen = system.frozen_list(tx, row)
    seed = seed_from(server_seed, beacon)
    drawn = draw(row.round_id, frozen, row.primary_slots, row.reserve_slots, seed)
    digest = results_digest(row.round_id, frozen.digest.hex(), seed.hex(),
                            (row.primary_slots, row.reserve_slots), drawn.primary, drawn.reserve)
    document = {
        "algorithm": ALGORITHM,
        "round_id": row.round_id,
        "primary_slots": row.primary_slots,
        "reserve_slots": row.reserve_slots,
        "applicants": len(frozen),
        "applicants_digest": frozen.digest.hex(),
        "seed_commitment": row.seed_commitment,
        "beacon_source": row.beacon_source or "",
        "beacon": beacon.hex(),
        "server_seed": server_seed.hex(),
        "seed": seed.hex(),
        "primary": drawn.primary,
        "reserve": drawn.reserve,
        "results_digest": digest,
        "published_at": now_text(),
        "links": {"applicants": f"/v1/rounds/{row.round_id}/applicants",
                  "audit": f"/v1/rounds/{row.round_id}/audit"},
    }
    tx.execute("INSERT INTO outcome (round_id, document) VALUES (?, ?)",
               (row.round_id, _stored_text(document).decode("utf-8")))
    places = [(row.round_id, a, "primary", i) for i, a in enumerate(drawn.primary, 1)]
    places += [(row.round_id, a, "reserve", i) for i, a in enumerate(drawn.reserve, 1)]
    tx.executemany("INSERT INTO placement (round_id, applicant_id, kind, rank) VALUES (?, ?, ?, ?)",
                   places)
    return document


def results(system: System, round_id: str) -> bytes:
    with system.store.read() as tx:
        row = system.round_or_404(tx, round_id)
        stored = tx.one("SELECT document FROM outcome WHERE round_id = ?", (round_id,))
    if stored is None:
        raise Refusal(409, "not_drawn", f"Round {row.round_id} has not been drawn yet.")
    return str(stored[0]).encode("utf-8")


def promotions(system: System, round_id: str) -> dict[str, Any]:
    with system.store.read() as tx:
        system.round_or_404(tx, round_id)
        rows = tx.all("SELECT applicant_id FROM promotion WHERE round_id = ? ORDER BY reserve_rank",
                      (round_id,))
    return {"promoted": [r[0] for r in rows]}


def audit_chain(system: System, token: str | None, round_id: str) -> dict[str, Any]:
    system.require_operator(token)
    with system.store.read() as tx:
        system.round_or_404(tx, round_id)
        return {"round_id": round_id, "entries": auditlog.chain_of(tx, round_id)}
