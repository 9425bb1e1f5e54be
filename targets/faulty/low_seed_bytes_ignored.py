"""Defect ``low-seed-bytes-ignored``: the draw uses only the seed's first 24 bytes.

The draw zeroes the seed's last 8 bytes before expanding it (as a system might that stores the
seed in a narrower field or keys its generator from a truncated value). Seeds that differ only in
those 64 bits give identical draws, so draws with related seeds are dependent (F-05). Lab and
real draws share the draw code, so real rounds stop replaying too (F-06 reports that as well).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT", "IGNORED_BYTES"]

IGNORED_BYTES = 8


def apply() -> None:
    from targets.reference import draw

    if getattr(draw._Words.__init__, "_faulty", False):
        return  # already applied in this process
    draw._Words.__init__ = _masked(draw._Words.__init__)  # type: ignore[method-assign]


def _masked(init: Callable[..., None]) -> Callable[..., None]:
    def masked(self: Any, seed: bytes, round_id: str, digest: bytes) -> None:
        init(self, seed[:-IGNORED_BYTES] + bytes(IGNORED_BYTES), round_id, digest)

    masked._faulty = True  # type: ignore[attr-defined]
    return masked


DEFECT = Defect(
    name="low-seed-bytes-ignored",
    must_fail=("F-05",),
    description="the draw zeroes the seed's last 8 bytes, so seeds differing only there give"
    " identical draws",
    apply=apply,
)
