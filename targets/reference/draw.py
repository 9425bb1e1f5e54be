"""ACS-DRAW-1, the verifiable draw, as the reference system runs it.

Anyone holding the published inputs (round id, eligible applicant list, slot counts, seed) can
replay the draw byte for byte; docs/draw-algorithm.md explains every step. This module is the
reference system's own copy. The harness replays draws with an independent implementation
(harness/fairness/replay.py) so that a mistake here cannot hide itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

ALGORITHM = "ACS-DRAW-1"
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")

_DRAW_TAG = b"ACS-DRAW-1\x00"
_COMMIT_TAG = b"ACS-COMMIT-1\x00"
_SEED_TAG = b"ACS-SEED-1\x00"
_TWO_64 = 1 << 64

__all__ = [
    "ALGORITHM",
    "DrawResult",
    "EligibleList",
    "derive_seed",
    "draw",
    "random_stream",
    "results_digest",
    "seed_commitment",
]


@dataclass(frozen=True)
class DrawResult:
    """The outcome of one draw; ``primary`` and ``reserve`` are in drawn order."""

    round_id: str
    applicants: int
    applicants_digest: str
    seed: str
    primary_slots: int
    reserve_slots: int
    primary: list[str]
    reserve: list[str]

    @property
    def results_digest(self) -> str:
        return results_digest(
            self.round_id, self.applicants_digest, self.seed, self.primary_slots,
            self.reserve_slots, self.primary, self.reserve,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "algorithm": ALGORITHM,
            "round_id": self.round_id,
            "applicants": self.applicants,
            "applicants_digest": self.applicants_digest,
            "seed": self.seed,
            "primary_slots": self.primary_slots,
            "reserve_slots": self.reserve_slots,
            "primary": list(self.primary),
            "reserve": list(self.reserve),
            "results_digest": self.results_digest,
        }


class EligibleList:
    """The frozen, canonically ordered eligible list of a round and its digest.

    Built once per round; many draws (the lab endpoints draw up to 1,000 seeds at a time) reuse it.
    The ids live in one fixed-width numpy byte array: sorting that is several times faster than
    sorting Python strings, and ids never contain NUL, so numpy's NUL padding sorts exactly as
    byte order requires (a proper prefix first).
    """

    def __init__(self, applicant_ids: Iterable[str]) -> None:
        self._freeze(np.array(list(applicant_ids), dtype=np.bytes_))

    @classmethod
    def from_lines(cls, data: bytes) -> EligibleList:
        """From ids each followed by a newline, in any order (how the database hands them over)."""
        eligible = cls.__new__(cls)
        eligible._freeze(_parse_lines(data))
        return eligible

    def _freeze(self, ids: np.ndarray) -> None:
        # Ids that come strictly increasing (a database index's order) need no sort and have no
        # twins; checking that costs a tenth of sorting millions of them.
        if len(ids) > 1 and not bool((ids[1:] > ids[:-1]).all()):
            ids.sort()
            twins = np.flatnonzero(ids[1:] == ids[:-1])
            if len(twins):
                raise ValueError(f"duplicate applicant id {ids[twins[0]].decode('ascii')!r}")
        self._ids = ids
        self.text: bytes = _lines(ids)
        self.digest: bytes = hashlib.sha256(self.text).digest()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The ids in canonical order."""
        return [i.decode("ascii") for i in self._ids.tolist()]

    def draw(
        self, round_id: str, primary_slots: int, reserve_slots: int, seed: bytes
    ) -> DrawResult:
        """Steps 3 to 6: partial Fisher-Yates over the canonical list."""
        if len(seed) != 32:
            raise ValueError("seed must be 32 bytes")
        if primary_slots < 0 or reserve_slots < 0:
            raise ValueError("slot counts must not be negative")
        n = len(self._ids)
        picks = min(primary_slots + reserve_slots, n)
        # Shuffle positions, not ids: only the first `picks` slots are ever read back.
        order = np.arange(n, dtype=np.int64)
        words = _Words(seed, round_id, self.digest)
        for i in range(picks):
            j = i + words.uniform(n - i)
            order[i], order[j] = order[j], order[i]
        chosen = [i.decode("ascii") for i in self._ids[order[:picks]].tolist()]
        cut = min(primary_slots, n)
        return DrawResult(
            round_id=round_id,
            applicants=n,
            applicants_digest=self.digest.hex(),
            seed=seed.hex(),
            primary_slots=primary_slots,
            reserve_slots=reserve_slots,
            primary=chosen[:cut],
            reserve=chosen[cut:],
        )


def _parse_lines(data: bytes) -> np.ndarray:
    """Newline-terminated ids as a fixed-width byte array (fast path when all widths agree)."""
    if not data:
        return np.array([], dtype=np.bytes_)
    if not data.endswith(b"\n"):
        raise ValueError("the id list must end with a newline")
    width = data.index(b"\n")
    raw = np.frombuffer(data, dtype=np.uint8)
    rows, extra = divmod(len(raw), width + 1)
    uniform = (
        not extra
        and bool((raw[width :: width + 1] == ord("\n")).all())
        and np.count_nonzero(raw == ord("\n")) == rows
    )
    if width and uniform:
        grid = raw.reshape(rows, width + 1)[:, :width]
        return grid.copy().view(f"S{width}").ravel()
    return np.array(data.split(b"\n")[:-1], dtype=np.bytes_)


def _lines(ids: np.ndarray) -> bytes:
    """Every id followed by a newline, in order: the bytes that are hashed and published."""
    if len(ids) == 0:
        return b""
    width = ids.dtype.itemsize
    grid = np.empty((len(ids), width + 1), dtype=np.uint8)
    grid[:, :width] = ids.view(np.uint8).reshape(len(ids), width)
    grid[:, width] = ord("\n")
    if np.count_nonzero(grid[:, width - 1]) == len(ids):  # every id fills the width: no padding
        return grid.tobytes()
    return grid[grid != 0].tobytes()


class _Words:
    """The step-3 stream of 64-bit words, with step-4 rejection sampling on top."""

    def __init__(self, seed: bytes, round_id: str, digest: bytes) -> None:
        self._blocks = _blocks(seed, round_id, digest)
        self._pending: list[int] = []

    def next(self) -> int:
        if not self._pending:
            block = next(self._blocks)
            self._pending = [int.from_bytes(block[k : k + 8], "big") for k in (24, 16, 8, 0)]
        return self._pending.pop()

    def uniform(self, m: int) -> int:
        limit = _TWO_64 - (_TWO_64 % m)
        while True:
            word = self.next()
            if word < limit:
                return word % m


def _blocks(seed: bytes, round_id: str, digest: bytes) -> Iterator[bytes]:
    rid = round_id.encode("ascii")
    prefix = hashlib.sha256(_DRAW_TAG + seed + len(rid).to_bytes(4, "big") + rid + digest)
    i = 0
    while True:
        block = prefix.copy()
        block.update(i.to_bytes(8, "big"))
        yield block.digest()
        i += 1


def draw(
    round_id: str,
    applicant_ids: Iterable[str],
    primary_slots: int,
    reserve_slots: int,
    seed: bytes,
) -> DrawResult:
    """Run ACS-DRAW-1 from scratch over ``applicant_ids``."""
    return EligibleList(applicant_ids).draw(round_id, primary_slots, reserve_slots, seed)


def random_stream(seed: bytes, round_id: str, applicants_digest: bytes, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of the step-3 block stream (what the lab random endpoint serves)."""
    out = bytearray()
    blocks = _blocks(seed, round_id, applicants_digest)
    while len(out) < n_bytes:
        out += next(blocks)
    return bytes(out[:n_bytes])


def seed_commitment(server_seed: bytes) -> bytes:
    """What the system publishes at commit: it binds the server seed without revealing it."""
    return hashlib.sha256(_COMMIT_TAG + server_seed).digest()


def derive_seed(server_seed: bytes, beacon: bytes) -> bytes:
    """The draw seed: the committed server seed mixed with the public beacon value."""
    return hashlib.sha256(_SEED_TAG + server_seed + beacon).digest()


def results_digest(
    round_id: str,
    applicants_digest: str,
    seed: str,
    primary_slots: int,
    reserve_slots: int,
    primary: Sequence[str],
    reserve: Sequence[str],
) -> str:
    """SHA-256 of the canonical JSON (RFC 8785 for strings and integers) of the result.

    The slot counts are hashed too: without them, moving the boundary between the primary and
    reserve lists of a correctly drawn prefix would give another result that replays as well.
    """
    body = {
        "round_id": round_id,
        "algorithm": ALGORITHM,
        "applicants_digest": applicants_digest,
        "seed": seed,
        "primary_slots": primary_slots,
        "reserve_slots": reserve_slots,
        "primary": list(primary),
        "reserve": list(reserve),
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
