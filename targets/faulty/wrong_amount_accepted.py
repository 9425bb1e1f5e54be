"""Defect ``wrong-amount-accepted``: a deposit of any amount is accepted.

The amount check is lost: whatever amount an entitled applicant sends (within the contract's
range), the system books a deposit of the round's amount and answers 201. Every other rule of the
deposit decision (authentication, idempotency, window, entitlement) still holds, so only a
deposit of the wrong amount shows it (I-03).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits.deposit, "_faulty", False):
        return  # already applied in this process
    deposits.deposit = _any_amount(deposits.deposit)


def _any_amount(deposit: Callable[..., tuple[int, dict[str, Any]]]) -> Callable[..., Any]:
    def any_amount(
        svc: Any, token: str | None, round_id: str, key: str | None, raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(raw)
            amount = body["amount"]
            valid = isinstance(amount, int) and not isinstance(amount, bool) and amount >= 1
        except (ValueError, TypeError, KeyError):
            valid = False
        if valid:
            with svc.db.read() as conn:
                expected = svc.read_round(conn, round_id).deposit_amount
            raw = json.dumps(dict(body, amount=expected)).encode()
        return deposit(svc, token, round_id, key, raw)

    any_amount._faulty = True  # type: ignore[attr-defined]
    return any_amount


DEFECT = Defect(
    name="wrong-amount-accepted",
    must_fail=("I-03",),
    description="a deposit of any amount is accepted and booked as the round's amount",
    apply=apply,
)
