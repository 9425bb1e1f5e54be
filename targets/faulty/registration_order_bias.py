"""Defect ``registration-order-bias``: the draw favours those who registered early.

This is the fault that voided the 2012 US diversity-visa lottery, where most winners came from
the first days of the registration window. Here each pick of the partial Fisher-Yates shuffle is,
with probability ``EARLY_SHARE``, taken from the earliest-registered ``EARLY_PART`` of the
applicants still in the running instead of from all of them. Real draws and lab draws share the
reference's draw code, so both carry the bias; the lists stay valid (right sizes, disjoint,
eligible ids), so only a statistical test of selection by registration order (F-03) can see it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from targets.faulty.defect import Defect

__all__ = ["DEFECT", "EARLY_PART", "EARLY_SHARE"]

EARLY_SHARE = 0.9
EARLY_PART = 0.1


def apply() -> None:
    from targets.reference.draw import EligibleList
    from targets.reference.service import Service

    if getattr(EligibleList.draw, "_faulty", False):
        return  # already applied in this process
    Service.eligible = _with_registration_order(Service.eligible)  # type: ignore[method-assign]
    EligibleList.draw = _biased(EligibleList.draw)  # type: ignore[method-assign]


def _with_registration_order(eligible: Callable[..., Any]) -> Callable[..., Any]:
    """The eligible list, also remembering its ids in the order they registered."""

    def wrapped(self: Any, conn: Any, round_row: Any) -> Any:
        listed = eligible(self, conn, round_row)
        if getattr(listed, "registration_order", None) is None:
            listed.registration_order = _registration_order(conn, round_row.round_id)
        return listed

    return wrapped


def _registration_order(conn: Any, round_id: str) -> list[str]:
    from sqlalchemy import select

    from targets.reference.schema import applicants

    query = (
        select(applicants.c.applicant_id)
        .where(applicants.c.round_id == round_id)
        .order_by(applicants.c.registered_at, applicants.c.applicant_id)
    )
    return list(conn.execute(query).scalars())


def _biased(draw: Callable[..., Any]) -> Callable[..., Any]:
    def biased(self: Any, round_id: str, primary_slots: int, reserve_slots: int,
               seed: bytes) -> Any:
        honest = draw(self, round_id, primary_slots, reserve_slots, seed)  # checks the inputs
        order = getattr(self, "registration_order", None) or self.ids
        n = len(order)
        picks = min(primary_slots + reserve_slots, n)
        rng = np.random.default_rng(list(seed + round_id.encode("ascii")))  # same seed, same lists
        positions = np.arange(n)
        for i in range(picks):
            span = n - i
            if rng.random() < EARLY_SHARE:
                span = max(1, int(span * EARLY_PART))
            j = i + int(rng.integers(span))
            positions[i], positions[j] = positions[j], positions[i]
        chosen = [order[p] for p in positions[:picks].tolist()]
        cut = min(primary_slots, n)
        return dataclasses.replace(honest, primary=chosen[:cut], reserve=chosen[cut:])

    biased._faulty = True  # type: ignore[attr-defined]
    return biased


DEFECT = Defect(
    name="registration-order-bias",
    must_fail=("F-03",),
    description="the draw favours early registrants (the DV-2012 fault): most picks come from"
    " the first tenth of the remaining applicants by registration order",
    apply=apply,
)
