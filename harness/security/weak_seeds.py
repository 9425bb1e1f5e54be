"""The weak seed constructions a laboratory tries against revealed server seeds (S-05).

Not a proof of unpredictability, only a search of the usual mistakes within stated bounds:

- a clock read near the commit: every second and every millisecond within ``window`` seconds of
  the commit call, written as decimal ASCII, 8-byte big-endian or 8-byte little-endian, taken raw
  (zero-padded to 32 bytes on either side) or hashed with SHA-256, double SHA-256, SHA3-256,
  BLAKE2b-256, BLAKE2s or SHA-512 cut to 32 bytes; and Python's ``random`` seeded with that
  timestamp;
- Python's ``random`` seeded with a small integer 0..``bound``-1, 256 bits taken big- or
  little-endian (``randbytes``) or byte by byte.

A seed found among the candidates is certainly weak; finding none says nothing about other
constructions (another clock format, a process id, a counter, a hash with a secret key).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

__all__ = ["HASHES", "clock_candidates", "describe_limits", "random_candidates"]

HASHES = {
    "sha256": lambda b: hashlib.sha256(b).digest(),
    "sha256d": lambda b: hashlib.sha256(hashlib.sha256(b).digest()).digest(),
    "sha3_256": lambda b: hashlib.sha3_256(b).digest(),
    "blake2b": lambda b: hashlib.blake2b(b, digest_size=32).digest(),
    "blake2s": lambda b: hashlib.blake2s(b).digest(),
    "sha512_32": lambda b: hashlib.sha512(b).digest()[:32],
}


def _encodings(value: int) -> Iterator[tuple[str, bytes]]:
    yield "decimal", str(value).encode("ascii")
    yield "u64be", value.to_bytes(8, "big", signed=False)
    yield "u64le", value.to_bytes(8, "little", signed=False)


def _mersenne(seed: int) -> Iterator[tuple[str, bytes]]:
    state = random.Random(seed)  # noqa: S311 - reproducing a weak construction, not using one
    bits = state.getrandbits(256)
    yield "random_be", bits.to_bytes(32, "big")
    yield "random_le", bits.to_bytes(32, "little")
    state = random.Random(seed)  # noqa: S311
    yield "random_bytes", bytes(state.getrandbits(8) for _ in range(32))


def clock_candidates(start: float, end: float, window: float) -> dict[bytes, str]:
    """Candidate seeds from timestamps in [start - window, end + window] (epoch seconds)."""
    found: dict[bytes, str] = {}
    for unit, scale in (("s", 1), ("ms", 1000)):
        low, high = int((start - window) * scale), int((end + window) * scale) + 1
        for value in range(low, high + 1):
            for name, raw in _encodings(value):
                found.setdefault(raw.ljust(32, b"\0"), f"{unit} {value} {name} raw")
                found.setdefault(raw.rjust(32, b"\0"), f"{unit} {value} {name} raw")
                for hash_name, digest in HASHES.items():
                    found.setdefault(digest(raw), f"{unit} {value} {name} {hash_name}")
            for name, raw in _mersenne(value):
                found.setdefault(raw, f"{unit} {value} {name}")
    return found


def random_candidates(bound: int) -> dict[bytes, str]:
    """Candidate seeds from Python's ``random`` seeded with 0..bound-1."""
    found: dict[bytes, str] = {}
    for seed in range(bound):
        for name, raw in _mersenne(seed):
            found.setdefault(raw, f"seed {seed} {name}")
    return found


def describe_limits(window: float, bound: int) -> str:
    return (f"tried: timestamps within {window:g} s of each commit at second and millisecond"
            f" resolution (decimal, 64-bit big- and little-endian; raw, {', '.join(HASHES)};"
            f" and as seeds of Python's random), and Python's random seeded with 0..{bound - 1};"
            " a seed matching none of these may still come from a construction not tried")
