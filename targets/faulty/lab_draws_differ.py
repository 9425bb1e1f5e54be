"""Defect ``lab-draws-differ``: the lab endpoint draws with another seed than the one asked for.

Each lab draw is run over the right list with the right slot counts, but with a seed derived from
the requested one, while the answer still echoes the requested seed. The lists are uniform, so the
statistical requirements still pass; what fails is the promise that a lab draw gives the very
lists a real round would give for the same seed (F-06). Real rounds are untouched and replay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import lab

    if getattr(lab.lab_draws, "_faulty", False):
        return  # already applied in this process
    lab.lab_draws = _redrawn(lab.lab_draws)


def _redrawn(lab_draws: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def redrawn(svc: Any, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
        answer = lab_draws(svc, token, round_id, raw)  # authentication, validation, round state
        with svc.db.read() as conn:
            row = svc.read_round(conn, round_id)
            eligible = svc.eligible(conn, row)
        for entry in answer["draws"]:
            other = hashlib.sha256(b"lab-" + bytes.fromhex(entry["seed"])).digest()
            outcome = eligible.draw(round_id, row.primary_slots, row.reserve_slots, other)
            entry["primary"], entry["reserve"] = outcome.primary, outcome.reserve
        return answer

    redrawn._faulty = True  # type: ignore[attr-defined]
    return redrawn


DEFECT = Defect(
    name="lab-draws-differ",
    must_fail=("F-06",),
    description="lab draws use a seed derived from the requested one, so they differ from the"
    " real round drawn with that seed; real rounds still replay",
    apply=apply,
)
