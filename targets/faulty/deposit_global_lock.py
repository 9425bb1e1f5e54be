"""Defect ``deposit-global-lock``: every deposit holds one process-wide lock for 200 ms.

A system that funnels all payments through one synchronous call (a payment gateway client that
is not thread-safe, a table lock) answers correctly, one payment at a time: five deposits per
second, so the rush queues for seconds (L-01).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT", "HOLD_SECONDS"]

HOLD_SECONDS = 0.2


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits.deposit, "_faulty", False):
        return  # already applied in this process
    deposits.deposit = _serialised(deposits.deposit)


def _serialised(deposit: Callable[..., Any]) -> Callable[..., Any]:
    lock = threading.Lock()

    def one_at_a_time(*args: Any) -> Any:
        with lock:
            time.sleep(HOLD_SECONDS)
            return deposit(*args)

    one_at_a_time._faulty = True  # type: ignore[attr-defined]
    return one_at_a_time


DEFECT = Defect(
    name="deposit-global-lock",
    must_fail=("L-01",),
    description="every deposit holds one global lock for 200 ms, so deposits run one at a time",
    apply=apply,
)
