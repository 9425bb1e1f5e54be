"""Defect ``reserve-by-registration``: reserves are ranked by registration time, not drawn order.

The draw picks the right primaries and the right reserve applicants, but the system then lists
the reserve by when each applicant registered (an ``ORDER BY registered_at`` on the way out), so
early registrants are promoted first. Who is on the reserve list stays uniform; the order within
it, which decides who gets a place when a winner forfeits, is not (F-02). Lab and real draws
alike; real rounds stop replaying too (F-06 reports that as well).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference.draw import EligibleList
    from targets.reference.service import Service

    if getattr(EligibleList.draw, "_faulty", False):
        return  # already applied in this process
    Service.eligible = _with_registration_rank(Service.eligible)  # type: ignore[method-assign]
    EligibleList.draw = _sorted_reserve(EligibleList.draw)  # type: ignore[method-assign]


def _with_registration_rank(eligible: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(self: Any, conn: Any, round_row: Any) -> Any:
        listed = eligible(self, conn, round_row)
        if getattr(listed, "registration_rank", None) is None:
            listed.registration_rank = _registration_rank(conn, round_row.round_id)
        return listed

    return wrapped


def _registration_rank(conn: Any, round_id: str) -> dict[str, int]:
    from sqlalchemy import select

    from targets.reference.schema import applicants

    query = (
        select(applicants.c.applicant_id)
        .where(applicants.c.round_id == round_id)
        .order_by(applicants.c.registered_at, applicants.c.applicant_id)
    )
    return {aid: rank for rank, aid in enumerate(conn.execute(query).scalars())}


def _sorted_reserve(draw: Callable[..., Any]) -> Callable[..., Any]:
    def sorted_reserve(self: Any, round_id: str, primary_slots: int, reserve_slots: int,
                       seed: bytes) -> Any:
        honest = draw(self, round_id, primary_slots, reserve_slots, seed)
        rank = getattr(self, "registration_rank", None) or {}
        reserve = sorted(honest.reserve, key=lambda aid: rank.get(aid, len(rank)))
        return dataclasses.replace(honest, reserve=reserve)

    sorted_reserve._faulty = True  # type: ignore[attr-defined]
    return sorted_reserve


DEFECT = Defect(
    name="reserve-by-registration",
    must_fail=("F-02",),
    description="the reserve list is ranked by registration time instead of drawn order, so"
    " early registrants are promoted first",
    apply=apply,
)
