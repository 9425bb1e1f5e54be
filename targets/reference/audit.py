"""The per-round audit log, a SHA-256 hash chain (ASTI-1 section 4).

``hash = SHA-256(prev_hash || canonical JSON of {seq, at, event, data})`` with ``prev_hash`` as its
64-character lowercase hex text, the first being 64 zeros. Entries are appended inside the same
transaction as the change they record, so the log never claims a change that did not happen and
never misses one that did; the table itself rejects UPDATE and DELETE.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select, text

from targets.reference import schema
from targets.reference.db import utc_now

__all__ = ["GENESIS", "append", "canonical_json", "entries", "entry_hash", "verify_chain"]

GENESIS = "0" * 64
# The first key of PostgreSQL's two-key advisory locks: the space of the audit chains' locks.
_APPEND_LOCK_SPACE = 0x41554454  # "AUDT"


def canonical_json(value: Any) -> str:
    """RFC 8785 for values made of strings, integers, lists and objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: str, event: str, data: Mapping[str, Any]) -> str:
    body = canonical_json({"seq": seq, "at": at, "event": event, "data": dict(data)})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(conn: Connection, round_id: str, event: str, data: Mapping[str, Any]) -> None:
    """Append one entry at the end of the round's chain.

    Deposits run concurrently under a shared round lock, so the chain has a lock of its own: on
    PostgreSQL a transaction-scoped advisory lock per round, taken here, as the last thing before
    the commit, so it is held only for the append and the commit (SQLite serialises writers
    anyway). Every append of a round therefore sees the entry before it: the chain stays linear.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:round_id))"),
                     {"space": _APPEND_LOCK_SPACE, "round_id": round_id})
    table = schema.audit
    last = conn.execute(
        select(table.c.seq, table.c.hash)
        .where(table.c.round_id == round_id)
        .order_by(table.c.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = utc_now()
    payload = {"round_id": round_id, **data}
    conn.execute(
        table.insert().values(
            round_id=round_id,
            seq=seq,
            at=at,
            event=event,
            data=canonical_json(payload),
            prev_hash=prev_hash,
            hash=entry_hash(prev_hash, seq, at, event, payload),
        )
    )


def entries(conn: Connection, round_id: str) -> list[dict[str, Any]]:
    """The round's whole chain in ``seq`` order, as the audit endpoint returns it."""
    table = schema.audit
    rows = conn.execute(
        select(table).where(table.c.round_id == round_id).order_by(table.c.seq)
    ).all()
    return [
        {
            "seq": row.seq,
            "at": row.at,
            "event": row.event,
            "data": json.loads(row.data),
            "prev_hash": row.prev_hash,
            "hash": row.hash,
        }
        for row in rows
    ]


def verify_chain(chain: Iterable[Mapping[str, Any]]) -> bool:
    """True when every entry links to its predecessor and its hash recomputes."""
    prev_hash = GENESIS
    for expected_seq, entry in enumerate(chain, start=1):
        if entry["seq"] != expected_seq or entry["prev_hash"] != prev_hash:
            return False
        recomputed = entry_hash(prev_hash, entry["seq"], entry["at"], entry["event"], entry["data"])
        if recomputed != entry["hash"]:
            return False
        prev_hash = entry["hash"]
    return True
