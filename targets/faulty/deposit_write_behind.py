"""Defect ``deposit-ack-before-durable``: a deposit is acknowledged, then written 2 s later.

A write-behind queue: the reference's decision runs (and is rolled back), the client gets its
201 at once, and a background thread writes each deposit when it is two seconds old. The process
answers consistently while it lives (its own pending deposits count in its decisions, the
operator's ledger and close wait for the queue), so only a crash shows the fault: a SIGKILL loses
every deposit acknowledged in the last two seconds (L-04).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from targets.faulty._deposit_steps import record, rehearse
from targets.faulty.defect import Defect

__all__ = ["DEFECT", "LAG_SECONDS"]

LAG_SECONDS = 2.0


@dataclass
class _Pending:
    svc: Any
    round_id: str
    who: Any
    key: str
    view: dict[str, Any]
    due: float


class _WriteBehind:
    """Acknowledged deposits not yet written, by (round, applicant), and the thread writing them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pending: dict[tuple[str, str], _Pending] = {}
        self.started = False

    def add(self, entry: _Pending) -> None:
        with self.lock:
            self.pending[(entry.round_id, entry.who.applicant_id)] = entry
            if not self.started:
                self.started = True
                threading.Thread(target=self._run, daemon=True).start()

    def flush(self, everything: bool = False) -> None:
        with self.lock:
            now = time.monotonic()
            due = [k for k, e in self.pending.items() if everything or e.due <= now]
            for key in due:
                entry = self.pending.pop(key)
                record(entry.svc, entry.round_id, entry.who, entry.key, entry.view)

    def _run(self) -> None:
        while True:
            time.sleep(0.05)
            self.flush()


_QUEUE = _WriteBehind()


def apply() -> None:
    from targets.reference import deposits

    if getattr(deposits._decide, "_faulty", False):
        return  # already applied in this process
    deposits._decide = _acknowledge_first(deposits._decide)
    deposits.ledger = _after_flush(deposits.ledger)
    deposits.close_deposits = _after_flush(deposits.close_deposits)


def _acknowledge_first(decide: Callable[..., Any]) -> Callable[..., Any]:
    from targets.reference.errors import bad_request, conflict

    def write_behind(svc: Any, round_id: str, who: Any, key: str, amount: int
                     ) -> tuple[int, dict[str, Any]]:
        with _QUEUE.lock:  # one decision at a time sees every pending deposit
            waiting = _QUEUE.pending.get((round_id, who.applicant_id))
            if waiting is not None and waiting.key == key:
                if waiting.view["amount"] != amount:
                    raise bad_request("this Idempotency-Key was used for another amount",
                                      code="idempotency_mismatch")
                return 200, waiting.view
            if waiting is not None:
                raise conflict("already_deposited", "you have already paid the deposit")
            status, view = rehearse(decide, svc, round_id, who, key, amount)
            if status == 201:
                _QUEUE.add(_Pending(svc, round_id, who, key, view,
                                    time.monotonic() + LAG_SECONDS))
            return status, view

    write_behind._faulty = True  # type: ignore[attr-defined]
    return write_behind


def _after_flush(operation: Callable[..., Any]) -> Callable[..., Any]:
    def flushed(*args: Any) -> Any:
        _QUEUE.flush(everything=True)
        return operation(*args)

    return flushed


DEFECT = Defect(
    name="deposit-ack-before-durable",
    must_fail=("L-04",),
    description="deposits are acknowledged at once and written two seconds later by a"
    " background thread: a crash loses the last two seconds of acknowledged deposits",
    apply=apply,
)
