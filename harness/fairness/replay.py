"""An independent implementation of ACS-DRAW-1 that the harness uses to replay draws.

It shares no code with any target (the reference system has its own copy) and is written from the
algorithm's text in docs/draw-algorithm.md, so a mistake in one implementation shows up as a
disagreement instead of hiding itself. The shuffle touches only the positions it draws, so a
replay costs the canonical sort plus O(K + R), whatever the number of applicants.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ALGORITHM",
    "CanonicalList",
    "Replay",
    "derive_seed",
    "replay_draw",
    "results_digest",
    "seed_commitment",
    "word_stream",
]

ALGORITHM = "ACS-DRAW-1"
_WORD_SPACE = 2**64


class CanonicalList:
    """Applicant ids in canonical (byte) order with the digest that binds them into the draw."""

    def __init__(self, ids: Iterable[str | bytes]) -> None:
        listed = list(ids)
        # numpy encodes str as ASCII itself (UnicodeEncodeError, a ValueError, otherwise).
        array = np.array(listed, dtype=np.bytes_) if listed else np.array([], dtype="S1")
        # Fixed-width byte strings padded with NUL compare in plain byte order: ids never hold NUL.
        array = np.sort(array)
        same = array[1:] == array[:-1]
        if same.any():
            twin = array[int(np.argmax(same))].decode("ascii")
            raise ValueError(f"duplicate applicant id {twin!r}")
        self.ids = array
        self.published = _published_text(array)
        self.digest = hashlib.sha256(self.published).digest()

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def take(self, positions: Sequence[int]) -> list[str]:
        if not positions:
            return []
        picked = self.ids[np.asarray(positions, dtype=np.int64)]
        return [value.decode("ascii") for value in picked.tolist()]


def _published_text(array: np.ndarray) -> bytes:
    """The bytes hashed into applicants_digest: each id then a newline, padding dropped."""
    count, width = array.shape[0], array.dtype.itemsize
    if count == 0:
        return b""
    cells = np.zeros((count, width + 1), dtype=np.uint8)
    cells[:, :width] = np.frombuffer(array.tobytes(), dtype=np.uint8).reshape(count, width)
    cells[:, width] = 0x0A
    return cells.ravel()[cells.ravel() != 0].tobytes()


@dataclass(frozen=True)
class Replay:
    """What a replay of ACS-DRAW-1 produced (the fields of ``harness draw --json``)."""

    round_id: str
    applicants: int
    applicants_digest: str
    seed: str
    primary_slots: int
    reserve_slots: int
    primary: list[str]
    reserve: list[str]

    def as_dict(self) -> dict[str, object]:
        """The draw as published, ``results_digest`` included."""
        published: dict[str, object] = {
            "algorithm": ALGORITHM,
            "round_id": self.round_id,
            "applicants": self.applicants,
            "applicants_digest": self.applicants_digest,
            "seed": self.seed,
            "primary_slots": self.primary_slots,
            "reserve_slots": self.reserve_slots,
            "primary": self.primary,
            "reserve": self.reserve,
        }
        published["results_digest"] = results_digest(published)
        return published


def word_stream(seed: bytes, round_id: str, applicants_digest: bytes) -> Iterator[int]:
    """Step 3: the unbounded stream of unsigned 64-bit big-endian words, in consumption order."""
    name = round_id.encode("ascii")
    head = b"".join(
        [b"ACS-DRAW-1", b"\x00", seed, len(name).to_bytes(4, "big"), name, applicants_digest]
    )
    base = hashlib.sha256(head)
    block, batch = 0, 16
    while True:
        chunk = bytearray()
        for counter in range(block, block + batch):
            h = base.copy()
            h.update(counter.to_bytes(8, "big"))
            chunk += h.digest()
        yield from np.frombuffer(bytes(chunk), dtype=">u8").tolist()
        block += batch
        batch = min(batch * 4, 4096)  # small draws stay cheap, large draws amortise the loop


def _below(words: Iterator[int], bound: int) -> int:
    """Step 4: an unbiased integer in [0, bound) by rejection sampling."""
    ceiling = _WORD_SPACE - _WORD_SPACE % bound
    for word in words:
        if word < ceiling:
            return word % bound
    raise AssertionError("the word stream is unbounded")


def _drawn_positions(size: int, picks: int, words: Iterator[int]) -> list[int]:
    """Step 5 on a virtual array: returns the canonical positions that end in slots 0..picks-1."""
    moved: dict[int, int] = {}
    chosen = []
    for slot in range(picks):
        other = slot + _below(words, size - slot)
        chosen.append(moved.get(other, other))
        moved[other] = moved.get(slot, slot)
    return chosen


def replay_draw(
    round_id: str,
    applicant_ids: Iterable[str | bytes] | CanonicalList,
    primary_slots: int,
    reserve_slots: int,
    seed: bytes,
) -> Replay:
    """Replay ACS-DRAW-1; pass a ``CanonicalList`` to reuse one sort for many seeds."""
    if len(seed) != 32:
        raise ValueError("the seed must be exactly 32 bytes")
    if primary_slots < 0 or reserve_slots < 0:
        raise ValueError("slot counts must not be negative")
    applicants = (
        applicant_ids if isinstance(applicant_ids, CanonicalList) else CanonicalList(applicant_ids)
    )
    size = len(applicants)
    picks = min(primary_slots + reserve_slots, size)
    words = word_stream(seed, round_id, applicants.digest)
    drawn = applicants.take(_drawn_positions(size, picks, words))
    boundary = min(primary_slots, size)
    return Replay(
        round_id=round_id,
        applicants=size,
        applicants_digest=applicants.digest.hex(),
        seed=seed.hex(),
        primary_slots=primary_slots,
        reserve_slots=reserve_slots,
        primary=drawn[:boundary],
        reserve=drawn[boundary:],
    )


def seed_commitment(server_seed: bytes) -> bytes:
    """SHA-256("ACS-COMMIT-1" || 0x00 || server_seed): published before the draw."""
    return hashlib.sha256(b"ACS-COMMIT-1\x00" + server_seed).digest()


def derive_seed(server_seed: bytes, beacon: bytes) -> bytes:
    """SHA-256("ACS-SEED-1" || 0x00 || server_seed || beacon): the seed the draw uses."""
    return hashlib.sha256(b"ACS-SEED-1\x00" + server_seed + beacon).digest()


def results_digest(result: dict[str, object]) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of the eight fields that fix a draw's outcome.

    The slot counts are among them: they fix where the primary list ends and the reserve begins.
    """
    fields = (
        "round_id",
        "algorithm",
        "applicants_digest",
        "seed",
        "primary_slots",
        "reserve_slots",
        "primary",
        "reserve",
    )
    canonical = json.dumps(
        {name: result.get(name) for name in fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
