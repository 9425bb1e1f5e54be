"""ACS-DRAW-1, written for this system from the algorithm's specification alone.

A draw touches only the positions it selects: the shuffle keeps a small map of the slots it has
disturbed instead of copying the whole list, so one draw costs O(K + R) once the list is sorted,
and a sorted list (``FrozenList``) is reused for every lab draw over the same round.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALGORITHM",
    "Drawn",
    "FrozenList",
    "canonical_json",
    "commitment_of",
    "draw",
    "random_stream",
    "results_digest",
    "seed_from",
]

ALGORITHM = "ACS-DRAW-1"
_SPAN = 1 << 64
_TAG_DRAW = b"ACS-DRAW-1\x00"
_TAG_COMMIT = b"ACS-COMMIT-1\x00"
_TAG_SEED = b"ACS-SEED-1\x00"


class FrozenList:
    """Eligible ids in canonical order, the published text and its SHA-256 (steps 1 and 2)."""

    __slots__ = ("digest", "ids", "text")

    def __init__(self, ids: Iterable[str]) -> None:
        # Ids are ASCII, so ordering by code point is ordering by byte.
        ordered = sorted(ids)
        self.ids: tuple[str, ...] = tuple(ordered)
        self.text = "".join(f"{name}\n" for name in ordered).encode("ascii")
        self.digest = hashlib.sha256(self.text).digest()

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Drawn:
    primary: list[str]
    reserve: list[str]


class _Words:
    """Step 3: 64-bit big-endian words of the block stream, handed out strictly in order."""

    __slots__ = ("_base", "_next_block", "words")

    def __init__(self, seed: bytes, round_id: str, digest: bytes, expected: int) -> None:
        self._base = _stream_base(seed, round_id, digest)
        self._next_block = 0
        self.words: list[int] = []
        self.extend(expected // 4 + 1)

    def extend(self, blocks: int) -> None:
        raw = _blocks(self._base, self._next_block, blocks)
        self._next_block += blocks
        self.words.extend(struct.unpack(f">{4 * blocks}Q", raw))


def _stream_base(seed: bytes, round_id: str, digest: bytes) -> Any:
    name = round_id.encode("ascii")
    return hashlib.sha256(_TAG_DRAW + seed + struct.pack(">I", len(name)) + name + digest)


def _blocks(base: Any, first: int, count: int) -> bytes:
    parts = []
    copy = base.copy
    for counter in range(first, first + count):
        block = copy()
        block.update(counter.to_bytes(8, "big"))
        parts.append(block.digest())
    return b"".join(parts)


def _chosen_positions(size: int, picks: int, stream: _Words) -> list[int]:
    """Steps 4 and 5 as a sparse partial Fisher-Yates.

    Returns the canonical positions that end in slots 0..picks-1. Only disturbed slots are kept
    in ``displaced``; a word at or above ``limit`` is rejected and the next word is used, so every
    value below ``bound`` is equally likely.
    """
    displaced: dict[int, int] = {}
    chosen = []
    words, at = stream.words, 0
    for slot in range(picks):
        bound = size - slot
        limit = _SPAN - _SPAN % bound
        while True:
            if at == len(words):
                stream.extend(8)
            word = words[at]
            at += 1
            if word < limit:
                break
        other = slot + word % bound
        chosen.append(displaced.get(other, other))
        displaced[other] = displaced.get(slot, slot)
    return chosen


def draw(
    round_id: str, frozen: FrozenList, primary_slots: int, reserve_slots: int, seed: bytes
) -> Drawn:
    """Steps 3 to 6 over an already frozen list."""
    if len(seed) != 32:
        raise ValueError("an ACS-DRAW-1 seed is 32 bytes")
    size = len(frozen)
    picks = min(primary_slots + reserve_slots, size)
    words = _Words(seed, round_id, frozen.digest, picks)
    ids = frozen.ids
    selected = [ids[position] for position in _chosen_positions(size, picks, words)]
    boundary = min(primary_slots, size)
    return Drawn(primary=selected[:boundary], reserve=selected[boundary:])


def random_stream(seed: bytes, round_id: str, digest: bytes, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of the step-3 block stream (what the lab random endpoint serves)."""
    return _blocks(_stream_base(seed, round_id, digest), 0, -(-n_bytes // 32))[:n_bytes]


def commitment_of(server_seed: bytes) -> bytes:
    return hashlib.sha256(_TAG_COMMIT + server_seed).digest()


def seed_from(server_seed: bytes, beacon: bytes) -> bytes:
    return hashlib.sha256(_TAG_SEED + server_seed + beacon).digest()


def canonical_json(value: object) -> bytes:
    """RFC 8785 for the values used here: strings, integers, booleans, null, lists, objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def results_digest(
    round_id: str,
    applicants_digest: str,
    seed: str,
    slots: tuple[int, int],
    primary: Sequence[str],
    reserve: Sequence[str],
) -> str:
    """SHA-256 of the canonical JSON of the eight fields that fix a published draw."""
    fields = {
        "round_id": round_id,
        "algorithm": ALGORITHM,
        "applicants_digest": applicants_digest,
        "seed": seed,
        "primary_slots": slots[0],
        "reserve_slots": slots[1],
        "primary": list(primary),
        "reserve": list(reserve),
    }
    return hashlib.sha256(canonical_json(fields)).hexdigest()
