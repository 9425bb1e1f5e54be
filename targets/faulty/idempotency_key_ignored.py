"""Defect ``idempotency-key-ignored``: every deposit request is treated as a new one.

The Idempotency-Key header must still be present (400 otherwise), but its value is replaced by a
fresh random one before the deposit is decided, so a retried request is never recognised: it is
refused as ``already_deposited`` instead of being answered with the original deposit, and the
ledger records keys the client never sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits.deposit, "_faulty", False):
        return
    deposits.deposit = _forgetful(deposits.deposit)


def _forgetful(deposit: Callable[..., Any]) -> Callable[..., Any]:
    def forgetful(svc: Any, token: str | None, round_id: str, key: str | None, raw: bytes) -> Any:
        fresh = secrets.token_hex(8) if key else key
        return deposit(svc, token, round_id, fresh, raw)

    forgetful._faulty = True  # type: ignore[attr-defined]
    return forgetful


DEFECT = Defect(
    name="idempotency-key-ignored",
    must_fail=("S-06",),
    description="the Idempotency-Key is required but ignored: a replayed deposit is refused"
    " instead of answered with the original",
    apply=apply,
)
