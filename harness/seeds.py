"""The run seed: one 32-byte master seed per run, and everything derived from it.

A run records its master seed; every random choice the harness makes (populations, national ids,
lab seeds, beacons) comes from a sub-seed derived from it with SHA-256 over labels, so the same
seed and profile against the same system send the same requests. The rounds a run creates are
named ``lab-<run part>-<purpose>``, the run part itself derived from the seed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from harness.errors import UsageError

__all__ = ["ROUND_ID", "RunSeed", "utc_now"]

ROUND_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_SUBSEED_TAG = b"ACP-HARNESS-SUBSEED\x00"


def utc_now() -> str:
    """The current time as RFC 3339 UTC with microseconds (evidence timestamps)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RunSeed:
    """The master seed of a run and the run's identity derived from it."""

    master: bytes
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if len(self.master) != 32:
            raise ValueError("the master seed is 32 bytes")

    @classmethod
    def parse(cls, text: str) -> RunSeed:
        """From ``--seed HEX``: exactly 64 hex digits, else a UsageError."""
        if not _HEX64.fullmatch(text):
            raise UsageError(f"--seed must be 64 hex digits (32 bytes), got {text[:80]!r}")
        return cls(bytes.fromhex(text))

    @classmethod
    def fresh(cls) -> RunSeed:
        return cls(secrets.token_bytes(32))

    @property
    def hex(self) -> str:
        return self.master.hex()

    @property
    def run_part(self) -> str:
        """8 hex digits that name this seed's rounds (``lab-<run part>-...``)."""
        return self.derive("run-part").hex()[:8]

    @property
    def run_id(self) -> str:
        """``<UTC date>-<run part>``: the default output folder's name."""
        return f"{self.started.strftime('%Y%m%d')}-{self.run_part}"

    def derive(self, *labels: str | int) -> bytes:
        """32 bytes for the purpose named by ``labels``; distinct label tuples never collide
        (each label enters length-prefixed)."""
        digest = hashlib.sha256(_SUBSEED_TAG + self.master)
        for label in labels:
            text = str(label).encode("utf-8")
            digest.update(len(text).to_bytes(4, "big") + text)
        return digest.digest()

    def rng(self, *labels: str | int) -> np.random.Generator:
        """A numpy generator seeded from ``derive(*labels)``."""
        return np.random.default_rng(int.from_bytes(self.derive(*labels), "big"))

    def round_id(self, purpose: str) -> str:
        """The id of a round this run creates for ``purpose`` (``lab-<run part>-<purpose>``)."""
        name = f"lab-{self.run_part}-{purpose}"
        if not ROUND_ID.fullmatch(name):
            raise ValueError(f"{name!r} is not a valid round id")
        return name
