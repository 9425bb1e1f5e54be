"""Lab-mode operations: many draws over a frozen list, the raw random stream, server seeds.

They exist so a laboratory can test the draw's statistics and the CSPRNG without running
thousands of real rounds. The routes are mounted only when the service starts in lab mode;
otherwise they do not exist and answer 404 to everyone.
"""

from __future__ import annotations

from typing import Any

from targets.reference.draw import random_stream
from targets.reference.security import server_seeds
from targets.reference.service import Service
from targets.reference.validation import parse_object, require_hex, require_int, require_list

__all__ = ["lab_draws", "lab_random", "lab_server_seeds"]

_MAX_SEEDS = 1000
_MAX_STREAM = 16 * 1024 * 1024
_MAX_SERVER_SEEDS = 65536


def lab_draws(svc: Service, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    """ACS-DRAW-1 once per given seed over the round's eligible list (from ``closed`` on)."""
    svc.require_operator(token)
    with svc.db.read() as conn:
        row = svc.read_round(conn, round_id)
        eligible = svc.eligible(conn, row)
    body = parse_object(raw)
    seeds = [require_hex(s, "seeds[]", 32) for s in require_list(body, "seeds", 1, _MAX_SEEDS)]
    draws = []
    for seed in seeds:
        outcome = eligible.draw(round_id, row.primary_slots, row.reserve_slots, seed)
        draws.append({"seed": outcome.seed, "primary": outcome.primary, "reserve": outcome.reserve})
    return {"draws": draws}


def lab_random(svc: Service, token: str | None, round_id: str, raw: bytes) -> bytes:
    """The first ``n_bytes`` of the step-3 block stream for a seed, over the frozen list."""
    svc.require_operator(token)
    with svc.db.read() as conn:
        eligible = svc.eligible(conn, svc.read_round(conn, round_id))
    body = parse_object(raw)
    seed = require_hex(body.get("seed"), "seed", 32)
    n_bytes = require_int(body, "n_bytes", 1, _MAX_STREAM)
    return random_stream(seed, round_id, eligible.digest, n_bytes)


def lab_server_seeds(svc: Service, token: str | None, raw: bytes) -> bytes:
    """``count`` fresh server seeds from the very source ``commit`` uses."""
    svc.require_operator(token)
    count = require_int(parse_object(raw), "count", 1, _MAX_SERVER_SEEDS)
    return server_seeds(count)
