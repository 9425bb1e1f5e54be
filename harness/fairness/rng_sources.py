"""F-07's raw material: bytes from the lab server-seed source and from a draw's random stream.

The server seeds come in calls of at most 65,536 seeds (ASTI-1's limit); a stream call gives at
most 16 MiB, so a longer need is met with several streams of seeds derived from the run seed.
Each stream is also compared byte for byte with the harness's own ACS-DRAW-1 step-3 blocks: a
stream that differs is not the stream the draw uses, whatever the battery says of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from harness.fairness.replay import word_stream
from harness.seeds import RunSeed
from harness.target import HttpTarget

__all__ = [
    "MAX_SEEDS_PER_CALL",
    "MAX_STREAM_BYTES",
    "StreamComparison",
    "own_stream",
    "pull_server_seeds",
    "pull_streams",
]

MAX_SEEDS_PER_CALL = 65536  # ASTI-1: POST /v1/lab/server-seeds takes count 1..65536
MAX_STREAM_BYTES = 16 * 1024 * 1024  # ASTI-1: POST /v1/lab/rounds/{rid}/random n_bytes limit


def pull_server_seeds(
    client: HttpTarget, n_bytes: int, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """At least ``n_bytes`` bytes of fresh server seeds, truncated to ``n_bytes``."""
    seeds_needed = -(-n_bytes // 32)
    chunks: list[bytes] = []
    done = 0
    while done < seeds_needed:
        count = min(MAX_SEEDS_PER_CALL, seeds_needed - done)
        chunks.append(client.lab_server_seeds(count))
        done += count
        if progress is not None:
            progress(done, seeds_needed)
    return b"".join(chunks)[:n_bytes]


def own_stream(seed: bytes, round_id: str, applicants_digest: bytes, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of ACS-DRAW-1's step-3 block stream, from the harness's replay."""
    words = -(-n_bytes // 8)
    values = np.fromiter(islice(word_stream(seed, round_id, applicants_digest), words),
                         dtype=np.uint64, count=words)
    return values.astype(">u8").tobytes()[:n_bytes]


@dataclass(frozen=True)
class StreamComparison:
    seed: str
    n_bytes: int
    equal: bool
    first_difference: int | None  # byte offset

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "n_bytes": self.n_bytes, "equal": self.equal,
                "first_difference": self.first_difference}


def _compare(seed: bytes, pulled: bytes, own: bytes) -> StreamComparison:
    if pulled == own:
        return StreamComparison(seed.hex(), len(pulled), True, None)
    length = min(len(pulled), len(own))
    a = np.frombuffer(pulled[:length], dtype=np.uint8)
    b = np.frombuffer(own[:length], dtype=np.uint8)
    differ = np.flatnonzero(a != b)
    offset = int(differ[0]) if differ.size else length
    return StreamComparison(seed.hex(), len(pulled), False, offset)


def pull_streams(
    client: HttpTarget, run_seed: RunSeed, round_id: str, applicants_digest: bytes,
    n_bytes: int, progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, list[StreamComparison]]:
    """``n_bytes`` of draw streams (16 MiB per seed at most) and each one's comparison."""
    data: list[bytes] = []
    comparisons = []
    remaining, index = n_bytes, 0
    while remaining > 0:
        size = min(MAX_STREAM_BYTES, remaining)
        seed = run_seed.derive("fairness", "stream-seed", index)
        pulled = client.lab_random(round_id, seed.hex(), size)
        comparisons.append(_compare(seed, pulled, own_stream(seed, round_id, applicants_digest,
                                                             size)))
        data.append(pulled)
        remaining -= size
        index += 1
        if progress is not None:
            progress(n_bytes - remaining, n_bytes)
    return b"".join(data), comparisons
