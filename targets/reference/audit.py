"""The per-round audit log, a SHA-256 hash chain (ASTI-1 section 4).

``hash = SHA-256(prev_hash || canonical JSON of {seq, at, event, data})`` with ``prev_hash`` as its
64-character lowercase hex text, the first being 64 zeros. Entries are appended inside the same
transaction as the change they record, so the log never claims a change that did not happen and
never misses one that did; the table itself rejects UPDATE and DELETE.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Column, Connection, Insert, MetaData, Table, Text, bindparam, select

from targets.reference import schema
from targets.reference.db import utc_now

__all__ = [
    "GENESIS", "append", "append_row", "canonical_json", "entries", "entry_hash", "verify_chain",
]

GENESIS = "0" * 64

# PostgreSQL queues an entry for the chain trigger, which links it at commit (schema.py). The
# table is created by ``schema.trigger_ddl`` (unlogged); this description only builds statements.
_QUEUE = Table("audit_pending", MetaData(), Column("round_id", Text), Column("event", Text),
               Column("data", Text))
_PG_QUEUE = _QUEUE.insert()
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
    """Append one entry at the end of the round's chain, in the transaction of the change.

    Deposits run concurrently under a shared round lock, so the chain needs a lock of its own,
    held until the commit so that every append of a round sees the entry before it. On
    PostgreSQL the entry is queued here and linked by a deferred trigger as the commit begins
    (``schema.trigger_ddl``): it locks the round's row of ``audit_heads``, stamps and hashes the
    entry and moves the head, so the lock is held for that and the commit's flush alone, never
    across a round trip to this process. A rolled-back transaction (or savepoint) takes its
    queued entries with it. SQLite serialises writers anyway: the last entry is read and the
    next one computed here.
    """
    payload = {"round_id": round_id, **data}
    body = canonical_json(payload)
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_QUEUE, {"round_id": round_id, "event": event, "data": body})
        return
    last = conn.execute(_LAST, {"round_id": round_id}).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = utc_now()
    conn.execute(schema.audit.insert(), {
        "round_id": round_id, "seq": seq, "at": at, "event": event, "data": body,
        "prev_hash": prev_hash, "hash": entry_hash(prev_hash, seq, at, event, payload),
    })


def append_row(conn: Connection, table: Table, values: Mapping[str, Any], event: str,
               data: Mapping[str, Any]) -> None:
    """Insert ``values`` (holding ``round_id``) into ``table`` and append the entry recording it:
    one statement on PostgreSQL (the row's insert feeds the queued entry), two on SQLite."""
    round_id = values["round_id"]
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), dict(values))
        append(conn, round_id, event, data)
        return
    body = canonical_json({"round_id": round_id, **data})
    conn.execute(_row_then_queue(table, tuple(values)),
                 {**values, "audit_event": event, "audit_data": body})


@functools.cache
def _row_then_queue(table: Table, columns: tuple[str, ...]) -> Insert:
    """``WITH recorded AS (INSERT INTO table ... RETURNING round_id) INSERT INTO audit_pending
    SELECT round_id, :audit_event, :audit_data FROM recorded``, built once per table."""
    recorded = (table.insert().values({name: bindparam(name) for name in columns})
                .returning(table.c.round_id).cte("recorded"))
    entry = select(recorded.c.round_id, bindparam("audit_event", type_=Text),
                   bindparam("audit_data", type_=Text))
    return _QUEUE.insert().from_select(["round_id", "event", "data"], entry)


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
