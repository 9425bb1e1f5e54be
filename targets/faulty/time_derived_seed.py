"""Defect ``time-derived-seed``: the server seed is the SHA-256 of the clock in milliseconds.

Commit and the lab seed source both take ``SHA-256(str(milliseconds since the epoch))`` instead
of 32 bytes from the CSPRNG. The commitment scheme still works and every draw replays, but
whoever knows roughly when the round was committed can recompute its server seed.
"""

from __future__ import annotations

import hashlib
import time

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def _clock_seed() -> bytes:
    return hashlib.sha256(str(time.time_ns() // 1_000_000).encode("ascii")).digest()


def apply() -> None:
    from targets.reference import rounds, security

    rounds.new_server_seed = _clock_seed
    security.new_server_seed = _clock_seed  # the lab source calls it through this module


DEFECT = Defect(
    name="time-derived-seed",
    must_fail=("S-05",),
    description="server seeds are SHA-256 of the clock in milliseconds (guessable from the"
    " commit time)",
    apply=apply,
)
