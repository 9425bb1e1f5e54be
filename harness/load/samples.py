"""Raw request samples of a rush: what counts as an error, per-endpoint figures, the timeline.

The generator records one row per request, ``[t, endpoint, status, ms, note]``: ``t`` the wall
clock at sending (seconds), ``status`` 0 when no response came, ``ms`` the exact elapsed time,
``note`` ``""``, ``"retry_after"`` (a 503 that carried Retry-After), ``"aborted"`` (a request the
scenario itself gave up on after a deliberately short timeout: neither a success nor an error of
the system) or the transport error's kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.load.statistics import percentile

__all__ = ["ABORTED", "RETRY_AFTER", "Samples", "is_error"]

ABORTED = "aborted"
RETRY_AFTER = "retry_after"
_SUMMARY_PERCENTILES = (50, 90, 95, 99, 99.9)
_ERROR_STATUSES = (408, 429)  # the contract's "too slow" and shedding answers besides 5xx


def is_error(status: int, note: str) -> bool:
    """An error of the system under load: no answer, a 5xx (503 with Retry-After included: the
    system shed the request), or 408/429. The scenario's own aborts are not errors."""
    if note == ABORTED:
        return False
    return status == 0 or status >= 500 or status in _ERROR_STATUSES


@dataclass(frozen=True)
class Samples:
    """The rows of one rush, with the rush's start and end on the wall clock."""

    rows: Sequence[Sequence[Any]]
    started: float
    finished: float

    @property
    def wall_s(self) -> float:
        return max(self.finished - self.started, 1e-9)

    def of(self, endpoint: str) -> list[Sequence[Any]]:
        return [row for row in self.rows if row[1] == endpoint and row[4] != ABORTED]

    def endpoints(self) -> list[str]:
        return sorted({str(row[1]) for row in self.rows})

    def latencies(self, endpoint: str) -> np.ndarray:
        """Elapsed ms of every answered request to ``endpoint`` (transport failures have no
        latency: they count as errors instead)."""
        return np.array([row[3] for row in self.of(endpoint) if row[2] > 0], dtype=np.float64)

    def errors(self, endpoint: str) -> tuple[int, int]:
        """(errors, requests) for ``endpoint``, the scenario's aborts left out."""
        rows = self.of(endpoint)
        return sum(is_error(int(r[2]), str(r[4])) for r in rows), len(rows)

    def summary(self, endpoint: str) -> dict[str, Any]:
        """Exact figures for one endpoint: counts, statuses, throughput, percentiles in ms."""
        rows = self.of(endpoint)
        latencies = self.latencies(endpoint)
        errors, total = self.errors(endpoint)
        figures: dict[str, Any] = {
            "requests": total,
            "answered": len(latencies),
            "errors": errors,
            "error_ratio": errors / total if total else None,
            "retry_after_503": sum(1 for r in rows if r[4] == RETRY_AFTER),
            "statuses": {str(k): v for k, v in sorted(Counter(int(r[2]) for r in rows).items())},
            "throughput_per_s": len(latencies) / self.wall_s,
            "aborted_by_scenario": sum(1 for r in self.rows if r[1] == endpoint
                                       and r[4] == ABORTED),
        }
        if len(latencies):
            figures["latency_ms"] = {
                **{f"p{q:g}": percentile(latencies, q) for q in _SUMMARY_PERCENTILES},
                "mean": float(latencies.mean()), "max": float(latencies.max()),
                "min": float(latencies.min()),
            }
        return figures

    def timeline(self) -> list[dict[str, Any]]:
        """Per second of the rush and per endpoint: requests, errors, p50/p95/max latency."""
        buckets: dict[tuple[int, str], list[Sequence[Any]]] = {}
        for row in self.rows:
            if row[4] == ABORTED:
                continue
            second = max(0, int(float(row[0]) - self.started))
            buckets.setdefault((second, str(row[1])), []).append(row)
        timeline = []
        for (second, endpoint), rows in sorted(buckets.items()):
            answered = np.array([r[3] for r in rows if r[2] > 0], dtype=np.float64)
            point: dict[str, Any] = {
                "second": second, "endpoint": endpoint, "requests": len(rows),
                "errors": sum(is_error(int(r[2]), str(r[4])) for r in rows),
            }
            if len(answered):
                point.update(p50_ms=percentile(answered, 50), p95_ms=percentile(answered, 95),
                             max_ms=float(answered.max()))
            timeline.append(point)
        return timeline
