"""Defect ``deposit-trusts-body-id``: a deposit is booked for the applicant named in its body.

The token is still checked (401, 403 as the contract says), but when the body carries an
``applicant_id`` of the same round the deposit is decided and recorded for that applicant instead
of the token's owner: one applicant can pay, and take a car, in another's name.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


_named_here = threading.local()  # the applicant named in the body of this thread's deposit


def apply() -> None:
    from targets.reference import deposits
    from targets.reference.service import Service

    if getattr(deposits.deposit, "_faulty", False):
        return
    deposits.deposit = _trusting(deposits.deposit)
    Service.require_applicant = _substituted(Service.require_applicant)  # type: ignore[method-assign]


def _substituted(require: Callable[..., Any]) -> Callable[..., Any]:
    def require_applicant(self: Any, token: str | None, round_id: str, conn: Any = None) -> Any:
        found = require(self, token, round_id, conn)  # 401 and 403 as the reference decides
        return getattr(_named_here, "row", None) or found

    return require_applicant


def _named(svc: Any, round_id: str, raw: bytes) -> Any:
    from sqlalchemy import select

    from targets.reference import schema

    try:
        named = json.loads(raw).get("applicant_id")
    except (ValueError, AttributeError):
        return None
    table = schema.applicants
    with svc.db.read() as conn:
        return conn.execute(
            select(table.c.round_id, table.c.applicant_id, table.c.national_key)
            .where(table.c.round_id == round_id, table.c.applicant_id == str(named))
        ).first()


def _trusting(deposit: Callable[..., Any]) -> Callable[..., Any]:
    def trusting(svc: Any, token: str | None, round_id: str, key: str | None, raw: bytes) -> Any:
        _named_here.row = _named(svc, round_id, raw)
        try:
            return deposit(svc, token, round_id, key, raw)
        finally:
            _named_here.row = None

    trusting._faulty = True  # type: ignore[attr-defined]
    return trusting


DEFECT = Defect(
    name="deposit-trusts-body-id",
    must_fail=("S-02",),
    description="a deposit whose body names an applicant_id is booked for that applicant, not"
    " for the owner of the token",
    apply=apply,
)
