"""Defect ``modulo-index-16bit``: the shuffle's index is a 16-bit word reduced mod (N - i).

ACS-DRAW-1 takes a 64-bit word and rejects the top sliver so that ``word mod (N - i)`` is
uniform. A common shortcut keeps only the word's low 16 bits and reduces them without rejection:
with N - i not dividing 65,536, the first ``65536 mod (N - i)`` positions get one chance more than
the others, and beyond 65,536 applicants some positions can never be reached. Lab and real draws
share the draw code, so both carry it; only a test of per-applicant selection chance (F-01) sees
the skew (real rounds also stop replaying, which F-06 reports too).
"""

from __future__ import annotations

from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import draw

    if getattr(draw._Words.uniform, "_faulty", False):
        return  # already applied in this process

    def uniform(self: Any, m: int) -> int:
        return (self.next() & 0xFFFF) % m

    uniform._faulty = True  # type: ignore[attr-defined]
    draw._Words.uniform = uniform  # type: ignore[method-assign]


DEFECT = Defect(
    name="modulo-index-16bit",
    must_fail=("F-01",),
    description="the Fisher-Yates index is a 16-bit word mod (N - i) without rejection, so low"
    " positions are favoured; lab and real draws alike",
    apply=apply,
)
