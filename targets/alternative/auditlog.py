"""The per-round audit hash chain.

``hash = SHA-256(prev_hash as 64 hex characters || canonical JSON of {seq, at, event, data})``,
with 64 zeros before the first entry. The ``at`` text is stored exactly as hashed and served back
unchanged, so the chain verifies from the stored rows alone.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from targets.alternative.acsdraw import canonical_json
from targets.alternative.clock import now_text
from targets.alternative.storage import Tx

__all__ = ["GENESIS", "append", "chain_of", "entry_hash"]

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, at: str, event: str, data: dict[str, Any]) -> str:
    body = canonical_json({"seq": seq, "at": at, "event": event, "data": data})
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def append(tx: Tx, round_id: str, event: str, data: dict[str, Any]) -> None:
    """Add one entry inside the caller's write transaction (so it commits with the change)."""
    data = {"round_id": round_id, **data}
    last = tx.one("SELECT seq, hash FROM audit WHERE round_id = ? ORDER BY seq DESC LIMIT 1",
                  (round_id,))
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = now_text()
    digest = entry_hash(prev, seq, at, event, data)
    tx.execute(
        "INSERT INTO audit (round_id, seq, at, event, data, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (round_id, seq, at, event, canonical_json(data).decode("utf-8"), prev, digest),
    )


def chain_of(tx: Tx, round_id: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT seq, at, event, data, prev_hash, hash FROM audit WHERE round_id = ? ORDER BY seq",
        (round_id,),
    )
    return [
        {"seq": seq, "event": event, "at": at, "data": json.loads(str(data)),
         "prev_hash": prev, "hash": digest}
        for seq, at, event, data, prev, digest in rows
    ]  # fmt: skip
