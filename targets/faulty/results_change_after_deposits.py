"""Defect ``results-change-after-deposits``: the published results are re-published on payment.

Results are published once at the draw and must never change. Here, once deposits arrive, the
results endpoint re-renders them with the paid primaries listed first and a new ``published_at``
(the time of the latest deposit), as a system might that builds its results page from live
tables. Who won is unchanged, but the published document is not what was published at the draw
(I-05).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import rounds

    if getattr(rounds.results, "_faulty", False):
        return  # already applied in this process
    rounds.results = _republished(rounds.results)


def _republished(results: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def republished(svc: Any, round_id: str) -> dict[str, Any]:
        from sqlalchemy import select

        from targets.reference import schema

        published = results(svc, round_id)
        d = schema.deposits
        with svc.db.read() as conn:
            rows = conn.execute(
                select(d.c.applicant_id, d.c.created_at).where(d.c.round_id == round_id)
            ).all()
        if rows:
            paid = {r.applicant_id for r in rows}
            primary = published["primary"]
            published["primary"] = [a for a in primary if a in paid] + \
                [a for a in primary if a not in paid]
            published["published_at"] = max(str(r.created_at) for r in rows)
        return published

    republished._faulty = True  # type: ignore[attr-defined]
    return republished


DEFECT = Defect(
    name="results-change-after-deposits",
    must_fail=("I-05",),
    description="after deposits the results are re-published: paid primaries first and a new"
    " published_at",
    apply=apply,
)
