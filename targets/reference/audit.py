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

from sqlalchemy import Connection, bindparam, select, text

from targets.reference import schema
from targets.reference.db import utc_now

__all__ = ["GENESIS", "append", "canonical_json", "entries", "entry_hash", "verify_chain"]

GENESIS = "0" * 64

# PostgreSQL's append, one statement (see ``append``). ``at`` is utc_now()'s format; the hash is
# ``entry_hash`` spelled in SQL: the canonical JSON of {seq, at, event, data} has its keys in that
# order (at, data, event, seq), so the database fills in only ``at`` and ``seq``.
_PG_APPEND = text("""
WITH head AS (
    INSERT INTO audit_heads AS h (round_id, seq, at, prev_hash, hash)
    SELECT CAST(:round_id AS text), 1, t.at, CAST(:genesis AS text),
           encode(sha256(convert_to(CAST(:genesis AS text) || '{"at":"' || t.at
               || '","data":' || CAST(:data AS text) || ',"event":' || CAST(:event_json AS text)
               || ',"seq":' || '1}', 'UTF8')), 'hex')
    FROM (SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',
                         'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at) AS t
    ON CONFLICT (round_id) DO UPDATE SET (seq, at, prev_hash, hash) = (
        SELECT h.seq + 1, t.at, h.hash,
               encode(sha256(convert_to(h.hash || '{"at":"' || t.at
                   || '","data":' || CAST(:data AS text) || ',"event":' || CAST(:event_json AS text)
                   || ',"seq":' || CAST(h.seq + 1 AS text) || '}', 'UTF8')), 'hex')
        FROM (SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at) AS t)
    RETURNING seq, at, prev_hash, hash
)
INSERT INTO audit (round_id, seq, at, event, data, prev_hash, hash)
SELECT CAST(:round_id AS text), seq, at, CAST(:event AS text), CAST(:data AS text), prev_hash,
       hash
FROM head
""")
_LAST = (
    select(schema.audit.c.seq, schema.audit.c.hash)
    .where(schema.audit.c.round_id == bindparam("round_id"))
    .order_by(schema.audit.c.seq.desc())
    .limit(1)
)


def canonical_json(value: Any) -> str:
    """RFC 8785 for values made of strings, integers, lists and objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: str, event: str, data: Mapping[str, Any]) -> str:
    body = canonical_json({"seq": seq, "at": at, "event": event, "data": dict(data)})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(conn: Connection, round_id: str, event: str, data: Mapping[str, Any]) -> None:
    """Append one entry at the end of the round's chain.

    Deposits run concurrently under a shared round lock, so the chain has a lock of its own. On
    PostgreSQL that is the round's row in ``audit_heads``: one statement upserts it (which locks
    the row and reads its latest committed version, whatever the statement's snapshot), computes
    the new entry's time and hash from it, and inserts the entry. The row stays locked until the
    commit, so every append of a round sees the entry before it: the chain stays linear. Callers
    append last, just before the commit, so that lock is held for one statement and the commit.
    SQLite serialises writers anyway: the last entry is read and the next one computed here.
    """
    payload = {"round_id": round_id, **data}
    body = canonical_json(payload)
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_APPEND, {"round_id": round_id, "genesis": GENESIS, "event": event,
                                  "event_json": json.dumps(event), "data": body})
        return
    last = conn.execute(_LAST, {"round_id": round_id}).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = utc_now()
    conn.execute(schema.audit.insert(), {
        "round_id": round_id, "seq": seq, "at": at, "event": event, "data": body,
        "prev_hash": prev_hash, "hash": entry_hash(prev_hash, seq, at, event, payload),
    })


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
