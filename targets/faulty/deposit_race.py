"""Defect ``deposit-check-then-insert``: a deposit is checked, then inserted, with nothing between.

The reference decides and inserts a deposit in one transaction under the round's lock, with unique
constraints behind it. Here the decision runs in one transaction, a 20 ms call to a payment
gateway follows, and the insert runs in another; the tables have no unique constraint on the
deposits. Two payments of one applicant arriving together both pass the check and both land in
the ledger: only concurrent clients see it (L-03).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from targets.faulty._deposit_steps import record, rehearse
from targets.faulty.defect import Defect

__all__ = ["DEFECT", "GATEWAY_SECONDS"]

GATEWAY_SECONDS = 0.02
_UNIQUE = ("uq_one_deposit_per_applicant", "uq_idempotency_key", "uq_one_deposit_per_person")


def apply() -> None:
    from targets.reference import deposits, schema

    if getattr(deposits._decide, "_faulty", False):
        return  # already applied in this process
    table = schema.deposits
    for constraint in [c for c in table.constraints if c.name in _UNIQUE]:
        table.constraints.remove(constraint)
    deposits._decide = _check_then_insert(deposits._decide)


def _check_then_insert(decide: Callable[..., Any]) -> Callable[..., Any]:
    def racy(svc: Any, round_id: str, who: Any, key: str, amount: int
             ) -> tuple[int, dict[str, Any]]:
        status, view = rehearse(decide, svc, round_id, who, key, amount)
        if status == 201:
            time.sleep(GATEWAY_SECONDS)
            record(svc, round_id, who, key, view)
        return status, view

    racy._faulty = True  # type: ignore[attr-defined]
    return racy


DEFECT = Defect(
    name="deposit-check-then-insert",
    must_fail=("L-03",),
    description="a deposit is checked in one transaction and inserted in another, without unique"
    " constraints: two payments of one applicant at the same instant are both recorded",
    apply=apply,
)
