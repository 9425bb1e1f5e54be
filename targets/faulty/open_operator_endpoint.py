"""Defect ``open-operator-endpoint``: the ledger is served to anyone.

The operator's ledger (``GET /v1/rounds/{rid}/deposits``) skips authentication: whatever token a
request carries, or none, it is answered as if the operator had asked. Everything else, other
operator endpoints included, is the reference's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits.ledger, "_faulty", False):
        return
    deposits.ledger = _unchecked(deposits.ledger)


def _unchecked(ledger: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def open_ledger(svc: Any, token: str | None, round_id: str) -> dict[str, Any]:
        return ledger(svc, svc.settings.admin_token, round_id)

    open_ledger._faulty = True  # type: ignore[attr-defined]
    return open_ledger


DEFECT = Defect(
    name="open-operator-endpoint",
    must_fail=("S-01",),
    description="the deposit ledger (an operator endpoint) answers without checking the token",
    apply=apply,
)
