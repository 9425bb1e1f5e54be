"""Defect ``promotion-out-of-rank-order``: closing the deposit window promotes the wrong reserves.

When primaries forfeit, the system must promote as many reserves as were forfeited, in reserve-rank
order (rank 1 first). Here the reserves are taken in the order of their applicant ids, a
plausible slip (sorting by the wrong column): the number promoted is right, but who is promoted
is not, and whoever had rank 1 may be passed over (I-04).
"""

from __future__ import annotations

from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits._promote, "_faulty", False):
        return  # already applied in this process
    deposits._promote = _promote_by_id


def _promote_by_id(conn: Any, round_id: str, count: int) -> list[str]:
    from sqlalchemy import select

    from targets.reference import schema
    from targets.reference.db import utc_now

    if count == 0:
        return []
    a = schema.applicants
    reserves = conn.execute(
        select(a.c.applicant_id, a.c.rank)
        .where(a.c.round_id == round_id, a.c.role == "reserve")
        .order_by(a.c.applicant_id)  # the defect: not by a.c.rank
        .limit(count)
    ).all()
    now = utc_now()
    if reserves:
        conn.execute(schema.promotions.insert(), [
            {"round_id": round_id, "applicant_id": r.applicant_id, "reserve_rank": r.rank,
             "promoted_at": now} for r in reserves])
    return [r.applicant_id for r in sorted(reserves, key=lambda r: r.rank)]


_promote_by_id._faulty = True  # type: ignore[attr-defined]

DEFECT = Defect(
    name="promotion-out-of-rank-order",
    must_fail=("I-04",),
    description="closing the deposit window promotes reserves in applicant-id order instead of"
    " reserve-rank order",
    apply=apply,
)
