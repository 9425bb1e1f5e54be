"""Defect ``deposits-shed-under-load``: about 2% of deposits get 503 when others are in flight.

Every 50th deposit that arrives while another deposit is being processed is refused with 503
``unavailable`` and Retry-After before anything is decided. The contract allows a 503, and a
client that retries with the same key is served; but 2% of a rush is far over an SLO of 0.5%
(L-02). Without concurrency nothing is shed, so only a load test sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT", "EVERY"]

EVERY = 50


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits.deposit, "_faulty", False):
        return  # already applied in this process
    deposits.deposit = _shedding(deposits.deposit)


def _shedding(deposit: Callable[..., Any]) -> Callable[..., Any]:
    from sqlalchemy.exc import OperationalError

    lock = threading.Lock()
    state = {"in_flight": 0, "crowded": 0}

    def shedding(*args: Any) -> Any:
        with lock:
            state["in_flight"] += 1
            crowded = state["in_flight"] > 1
            state["crowded"] += crowded
            shed = crowded and state["crowded"] % EVERY == 0
        try:
            if shed:
                # The reference answers a database that cannot take more work with 503 and
                # Retry-After; the shed deposit takes the same way out.
                raise OperationalError("deposit shed under load", None, Exception("overloaded"))
            return deposit(*args)
        finally:
            with lock:
                state["in_flight"] -= 1

    shedding._faulty = True  # type: ignore[attr-defined]
    return shedding


DEFECT = Defect(
    name="deposits-shed-under-load",
    must_fail=("L-02",),
    description="under concurrent load every 50th deposit is refused with 503 and Retry-After"
    " (2% of the rush)",
    apply=apply,
)
