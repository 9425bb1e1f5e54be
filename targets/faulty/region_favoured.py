"""Defect ``region-favoured``: applicants of the largest region have a 10 % better chance.

The draw is a weighted sampling without replacement (exponential keys divided by a weight, the
smallest key drawn next) in which the round's most populous region (often the capital's) carries
the weight that makes its members' chance of a primary place 1.1 times everyone else's. The
lists stay valid and every region is represented, so only a test of selection against applicant
attributes (F-04) sees it. Lab and real draws alike; real rounds stop replaying too (F-06).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from targets.faulty.defect import Defect

__all__ = ["DEFECT", "RATIO"]

RATIO = 1.10


def apply() -> None:
    from targets.reference.draw import EligibleList
    from targets.reference.service import Service

    if getattr(EligibleList.draw, "_faulty", False):
        return  # already applied in this process
    Service.eligible = _with_regions(Service.eligible)  # type: ignore[method-assign]
    EligibleList.draw = _favouring(EligibleList.draw)  # type: ignore[method-assign]


def _with_regions(eligible: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(self: Any, conn: Any, round_row: Any) -> Any:
        listed = eligible(self, conn, round_row)
        if getattr(listed, "regions", None) is None:
            listed.regions = _regions(conn, round_row.round_id)
        return listed

    return wrapped


def _regions(conn: Any, round_id: str) -> dict[str, str]:
    from sqlalchemy import select

    from targets.reference.schema import applicants

    query = select(applicants.c.applicant_id, applicants.c.region).where(
        applicants.c.round_id == round_id)
    return {row.applicant_id: row.region for row in conn.execute(query)}


def _weight(members: int, n: int, k: int) -> float:
    """The weight that makes ``members`` applicants' inclusion chance RATIO times the others'."""
    others = min(k / (n + (RATIO - 1.0) * members), 1 - 1e-12)
    mine = min(RATIO * others, 1 - 1e-12)
    return math.log1p(-mine) / math.log1p(-others)


def _favouring(draw: Callable[..., Any]) -> Callable[..., Any]:
    def favouring(self: Any, round_id: str, primary_slots: int, reserve_slots: int,
                  seed: bytes) -> Any:
        honest = draw(self, round_id, primary_slots, reserve_slots, seed)  # checks the inputs
        ids = self.ids
        regions = getattr(self, "regions", None) or {}
        n = len(ids)
        if n == 0 or not regions:
            return honest
        favoured = Counter(regions.values()).most_common(1)[0][0]
        mask = np.array([regions.get(aid) == favoured for aid in ids])
        weights = np.where(mask, _weight(int(mask.sum()), n, min(primary_slots, n)), 1.0)
        rng = np.random.default_rng(list(seed + round_id.encode("ascii")))  # replayable
        keys = rng.exponential(size=n) / weights
        picks = min(primary_slots + reserve_slots, n)
        chosen = [ids[p] for p in np.argsort(keys, kind="stable")[:picks].tolist()]
        cut = min(primary_slots, n)
        return dataclasses.replace(honest, primary=chosen[:cut], reserve=chosen[cut:])

    favouring._faulty = True  # type: ignore[attr-defined]
    return favouring


DEFECT = Defect(
    name="region-favoured",
    must_fail=("F-04",),
    description="members of the round's most populous region have a 10% higher chance of a"
    " primary place than everyone else",
    apply=apply,
)
