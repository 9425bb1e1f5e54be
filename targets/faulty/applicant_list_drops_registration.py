"""Defect ``applicant-list-drops-registration``: the frozen list leaves out one registration.

When registration closes, the system freezes the eligible list; here an off-by-one drops the last
registration read back from the database (the last id in the order the database hands them
over). The published count, the list and its digest agree with each other, and the draw replays
over them, but one person whose registration was acknowledged with 201 is silently not in the
draw (I-01).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import rounds, service

    if getattr(rounds.read_eligible, "_faulty", False):
        return  # already applied in this process
    dropping = _dropping(service.read_eligible)
    rounds.read_eligible = dropping
    service.read_eligible = dropping


def _dropping(read_eligible: Callable[..., Any]) -> Callable[..., Any]:
    def read_all_but_last(conn: Any, round_id: str) -> Any:
        from targets.reference.draw import EligibleList

        lines = read_eligible(conn, round_id).text.splitlines(keepends=True)
        return EligibleList.from_lines(b"".join(lines[:-1]))  # the off-by-one

    read_all_but_last._faulty = True  # type: ignore[attr-defined]
    return read_all_but_last


DEFECT = Defect(
    name="applicant-list-drops-registration",
    must_fail=("I-01",),
    description="freezing the eligible list drops the last registration read back",
    apply=apply,
)
