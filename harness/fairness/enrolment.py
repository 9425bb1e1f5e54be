"""Registering a synthetic population the way real applicants arrive: many at once.

Each worker thread has its own ``HttpTarget`` (its own connection). The order in which the system
acknowledged the registrations (the 201 answers) is recorded with the time of each, since that is
the registration order F-03 tests selection against. A registration the system refused (a 4xx
answer) is certainly not registered; one that got no answer, a timeout or a 5xx is *in doubt*:
it may or may not be on the published list.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.errors import TargetError
from harness.synthetic import Person
from harness.target import HttpTarget

__all__ = ["Enrolment", "enrol", "error_evidence"]

_RETRIES_ON_503 = 3


def error_evidence(exc: TargetError) -> dict[str, Any]:
    """The exchange a ``TargetError`` carries (tokens already redacted by the adapter)."""
    found = getattr(exc, "evidence", None)
    record = dict(found()) if callable(found) else {"message": str(exc)}
    record.setdefault("type", type(exc).__name__)
    return record


@dataclass(frozen=True)
class Enrolment:
    """The outcome of registering ``people`` into ``round_id``, one entry per person."""

    round_id: str
    people: tuple[Person, ...]
    applicant_ids: tuple[str | None, ...]  # None: not acknowledged
    ack_order: np.ndarray  # int64, 0 = first acknowledged; -1 when not acknowledged
    ack_seconds: np.ndarray  # float64 seconds after the first acknowledgement; NaN if none
    refused: tuple[dict[str, Any], ...]  # {index, error}: a 4xx answer
    in_doubt: tuple[dict[str, Any], ...]  # {index, error}: no conclusive answer

    @property
    def acknowledged(self) -> list[int]:
        """Indices (into ``people``) of acknowledged registrations, in acknowledgement order."""
        done = [i for i, order in enumerate(self.ack_order.tolist()) if order >= 0]
        return sorted(done, key=lambda i: int(self.ack_order[i]))

    def summary(self) -> dict[str, Any]:
        return {
            "round_id": self.round_id, "attempted": len(self.people),
            "acknowledged": len(self.acknowledged), "refused": list(self.refused[:20]),
            "refused_count": len(self.refused), "in_doubt": list(self.in_doubt[:20]),
            "in_doubt_count": len(self.in_doubt),
        }


class _Ledger:
    """Thread-safe record of acknowledgements in the order they arrived."""

    def __init__(self, size: int) -> None:
        self.lock = threading.Lock()
        self.ids: list[str | None] = [None] * size
        self.order = np.full(size, -1, dtype=np.int64)
        self.at = np.full(size, np.nan, dtype=np.float64)
        self.count = 0
        self.first: float | None = None
        self.refused: list[dict[str, Any]] = []
        self.in_doubt: list[dict[str, Any]] = []

    def acknowledge(self, index: int, applicant_id: str) -> int:
        now = time.monotonic()
        with self.lock:
            self.first = now if self.first is None else self.first
            self.ids[index], self.order[index] = applicant_id, self.count
            self.at[index] = now - self.first
            self.count += 1
            return self.count


def _register_one(client: HttpTarget, round_id: str, person: Person) -> str:
    for attempt in range(_RETRIES_ON_503 + 1):
        try:
            body = client.register(round_id, person.national_id, person.name, person.region)
        except TargetError as exc:
            status = getattr(exc, "status", None)
            if status == 503 and attempt < _RETRIES_ON_503:
                time.sleep(0.5 * (attempt + 1))  # the system shed load; it asked us to come back
                continue
            if attempt > 0 and status == 409:  # the shed attempt may have registered after all
                raise TargetError(f"registration retried after 503 got 409: {exc}") from exc
            raise
        applicant_id = body.get("applicant_id")
        if not isinstance(applicant_id, str) or not applicant_id:
            raise TargetError(f"registration answered 201 without an applicant_id: {body!r:.200}")
        return applicant_id
    raise AssertionError("unreachable: the last attempt returns or raises")


def enrol(
    make_client: Callable[[], HttpTarget],
    round_id: str,
    people: Sequence[Person],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> Enrolment:
    """Register ``people`` into ``round_id`` with ``workers`` threads; never raises TargetError."""
    ledger = _Ledger(len(people))
    local = threading.local()
    clients: list[HttpTarget] = []

    def one(index: int) -> None:
        if not hasattr(local, "client"):
            local.client = make_client()
            with ledger.lock:
                clients.append(local.client)
        try:
            done = ledger.acknowledge(index, _register_one(local.client, round_id, people[index]))
        except TargetError as exc:
            status = getattr(exc, "status", None)
            sure = status is not None and 400 <= status < 500 and status != 408
            with ledger.lock:
                (ledger.refused if sure else ledger.in_doubt).append(
                    {"index": index, "error": error_evidence(exc)}
                )
            return
        if progress is not None and (done % 50 == 0 or done == len(people)):
            progress(done, len(people))

    try:
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="enrol") as pool:
            list(pool.map(one, range(len(people))))
    finally:
        for client in clients:
            client.close()
    return Enrolment(
        round_id, tuple(people), tuple(ledger.ids), ledger.order, ledger.at,
        tuple(sorted(ledger.refused, key=lambda r: r["index"])),
        tuple(sorted(ledger.in_doubt, key=lambda r: r["index"])),
    )
