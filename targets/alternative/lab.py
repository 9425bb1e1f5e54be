"""Lab mode: many draws from given seeds, the raw random stream, and fresh server seeds.

They use the very draw code and seed generator of the production path; lab mode only adds the
endpoints (when it is off, the web layer does not route them at all).
"""

from __future__ import annotations

from typing import Any

from targets.alternative import inputs
from targets.alternative.acsdraw import draw, random_stream
from targets.alternative.credentials import new_server_seed
from targets.alternative.refusal import Refusal
from targets.alternative.system import RoundRow, System

__all__ = ["lab_draws", "lab_random", "lab_server_seeds"]

_MAX_SEEDS = 1000
_MAX_STREAM = 16 * 1024 * 1024
_MAX_SERVER_SEEDS = 65536


def _frozen_round(system: System, token: str | None, round_id: str) -> tuple[RoundRow, Any]:
    system.require_operator(token)
    with system.store.read() as tx:
        row = system.round_or_404(tx, round_id)
        if row.state == "registration":
            raise Refusal(409, "wrong_state",
                          f"Round {round_id} is still taking registrations; close it first.")
        return row, system.frozen_list(tx, row)


def lab_draws(system: System, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
    row, frozen = _frozen_round(system, token, round_id)
    seeds = inputs.body_object(raw).get("seeds")
    if not isinstance(seeds, list) or not 1 <= len(seeds) <= _MAX_SEEDS:
        raise Refusal(422, "invalid_request", "'seeds' must be a list of 1 to 1000 hex seeds.")
    parsed = [inputs.hex_bytes(seed, "seeds[]", exact=32) for seed in seeds]
    draws = []
    for seed in parsed:
        outcome = draw(row.round_id, frozen, row.primary_slots, row.reserve_slots, seed)
        draws.append({"seed": seed.hex(), "primary": outcome.primary, "reserve": outcome.reserve})
    return {"round_id": round_id, "draws": draws}


def lab_random(system: System, token: str | None, round_id: str, raw: bytes) -> bytes:
    row, frozen = _frozen_round(system, token, round_id)
    body = inputs.body_object(raw)
    seed = inputs.hex_bytes(body.get("seed"), "seed", exact=32)
    size = inputs.integer(body, "n_bytes", 1, _MAX_STREAM)
    return random_stream(seed, row.round_id, frozen.digest, size)


def lab_server_seeds(system: System, token: str | None, raw: bytes) -> bytes:
    system.require_operator(token)
    count = inputs.integer(inputs.body_object(raw), "count", 1, _MAX_SERVER_SEEDS)
    return b"".join(new_server_seed() for _ in range(count))
