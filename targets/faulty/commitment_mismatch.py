"""Defect ``commitment-mismatch``: the published commitment is of another seed than the one used.

At commit the system computes the commitment from one freshly drawn seed, then (as a retry path
that regenerates the seed might) seals and later reveals a second one. Every draw replays from
the revealed seed and the beacon, but SHA-256 of the revealed seed is not the commitment
published before the draw, so the commitment proves nothing (F-06).
"""

from __future__ import annotations

from collections.abc import Callable

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import rounds

    if getattr(rounds.seed_commitment, "_faulty", False):
        return  # already applied in this process
    rounds.seed_commitment = _of_another_seed(  # type: ignore[assignment]
        rounds.seed_commitment, rounds.new_server_seed)


def _of_another_seed(commitment: Callable[[bytes], bytes],
                     fresh: Callable[[], bytes]) -> Callable[[bytes], bytes]:
    def committed(seed: bytes) -> bytes:
        return commitment(fresh())  # the seed actually sealed and revealed is ``seed``

    committed._faulty = True  # type: ignore[attr-defined]
    return committed


DEFECT = Defect(
    name="commitment-mismatch",
    must_fail=("F-06",),
    description="the seed commitment published at commit is of a different seed than the one"
    " revealed and used by the draw",
    apply=apply,
)
