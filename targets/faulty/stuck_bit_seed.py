"""Defect ``stuck-bit-seed``: the server seed comes from a generator with a stuck bit.

A hardware generator with a failed output line: bit 0 of every byte reads 1. Seeds still look
random to the eye, commit and reveal work and every draw replays, but an eighth of the seed's bits
carry no entropy. Commit and the lab server-seed endpoint share the source, so the SP 800-22
battery on that endpoint (F-07) sees it.
"""

from __future__ import annotations

import os

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def _stuck_seed() -> bytes:
    return bytes(b | 0x01 for b in os.urandom(32))


def apply() -> None:
    from targets.reference import rounds, security

    rounds.new_server_seed = _stuck_seed
    security.new_server_seed = _stuck_seed  # the lab source calls it through this module


DEFECT = Defect(
    name="stuck-bit-seed",
    must_fail=("F-07",),
    description="server seeds come from a generator whose bit 0 of every byte is stuck at 1"
    " (commit and the lab server-seed source alike)",
    apply=apply,
)
