"""Defect ``reserve-shown-as-winner``: ``/me`` tells reserves they are primary winners.

This is the fault behind the incident that started the project: after the draw, people on the
reserve list were shown as winners and learned only at payment that they were reserves. Here the
status page of a reserve who has not been promoted says ``primary`` (no rank, a winner's message),
while the deposit decision still follows the real table, so such a "winner" is refused at payment.
The published results stay correct; only the applicant's own view lies (I-02).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import status

    if getattr(status.me, "_faulty", False):
        return  # already applied in this process
    status.me = _as_winner(status.me)


def _as_winner(me: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def shown_as_winner(svc: Any, token: str | None, round_id: str) -> dict[str, Any]:
        answer = me(svc, token, round_id)
        if answer["status"] == "reserve":
            answer.update(status="primary", reserve_rank=None,
                          message="Congratulations, you are a winner in this round.")
        return answer

    shown_as_winner._faulty = True  # type: ignore[attr-defined]
    return shown_as_winner


DEFECT = Defect(
    name="reserve-shown-as-winner",
    must_fail=("I-02",),
    description="/me shows reserves who are not promoted as primary winners; payment still"
    " refuses them (the incident that started the project)",
    apply=apply,
)
