"""Defect ``promotion-out-of-rank-order``: closing the deposit window promotes the wrong reserves.

When primaries forfeit, the system must promote as many reserves as were forfeited, in reserve-rank
order (rank 1 first). Here the reserves are taken in the order of their applicant ids, a
plausible slip (sorting by the wrong column): the number promoted is right, but who is promoted
is not, and whoever had rank 1 may be passed over (I-04).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits._promote, "_faulty", False):
        return  # already applied in this process
    deposits._promote = _promote_by_id


def _promote_by_id(conn: Any, round_id: str, count: int, reserve: Sequence[str]) -> list[str]:
    from targets.reference import schema
    from targets.reference.db import utc_now

    rank_of = {aid: rank for rank, aid in enumerate(reserve, start=1)}
    chosen = sorted(reserve)[:count]  # the defect: by applicant id, not by reserve rank
    if chosen:
        now = utc_now()
        conn.execute(schema.promotions.insert(), [
            {"round_id": round_id, "applicant_id": aid, "reserve_rank": rank_of[aid],
             "promoted_at": now} for aid in chosen])
    return sorted(chosen, key=rank_of.__getitem__)


_promote_by_id._faulty = True  # type: ignore[attr-defined]

DEFECT = Defect(
    name="promotion-out-of-rank-order",
    must_fail=("I-04",),
    description="closing the deposit window promotes reserves in applicant-id order instead of"
    " reserve-rank order",
    apply=apply,
)
