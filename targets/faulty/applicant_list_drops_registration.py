"""Defect ``applicant-list-drops-registration``: the frozen list leaves out one registration.

When registration closes, the system freezes the eligible list; here an off-by-one drops the last
registration read back from the database. The published count, the list and its digest agree
with each other, and the draw replays over them, but one person whose registration was
acknowledged with 201 is silently not in the draw (I-01).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import rounds, service

    if getattr(rounds.EligibleList, "_faulty", False):
        return  # already applied in this process
    dropping = _dropping(rounds.EligibleList)
    rounds.EligibleList = dropping  # type: ignore[misc]
    service.EligibleList = dropping  # type: ignore[misc]


def _dropping(eligible_list: Any) -> Any:
    class DroppingList(eligible_list):
        _faulty = True

        def __init__(self, applicant_ids: Iterable[str]) -> None:
            ids = list(applicant_ids)
            super().__init__(ids[:-1])

    return DroppingList


DEFECT = Defect(
    name="applicant-list-drops-registration",
    must_fail=("I-01",),
    description="freezing the eligible list drops the last registration read back",
    apply=apply,
)
