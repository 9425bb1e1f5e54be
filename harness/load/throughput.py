"""Who limited the rush, the generator or the target: evidence for the report.

The generator measures its own capacity in the same run (back-to-back /healthz calls, the
cheapest request a system can answer) and its own CPU share in every rush. A node whose CPU
share reaches the profile's ``generator_cpu_limit`` (locust runs on one core per process) was
the bottleneck, and the latencies it measured include its own queueing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.load.generator import Rush
from harness.load.settings import LoadSettings

__all__ = ["bottleneck", "rush_evidence"]


def rush_evidence(rush: Rush) -> dict[str, Any]:
    """Per-endpoint exact figures, the per-second timeline and the generator's CPU of a rush."""
    samples = rush.samples
    return {
        "completed": rush.completed, "scripts": rush.scripts_total,
        "scripts_done": rush.scripts_done, "wall_s": samples.wall_s,
        "requests": len(samples.rows), "throughput_per_s": len(samples.rows) / samples.wall_s,
        "workers": rush.workers, "generator_cpu": rush.cpu,
        "endpoints": {name: samples.summary(name) for name in samples.endpoints()},
        "timeline": samples.timeline(),
    }


def _rate(rush: Rush, endpoint: str) -> float:
    return float(rush.samples.summary(endpoint)["throughput_per_s"])


def bottleneck(baseline: Rush, rushes: Sequence[Rush], settings: LoadSettings) -> dict[str, Any]:
    """The generator's capacity, its CPU in each rush, and which side was the bottleneck."""
    shares = {rush.phase: rush.generator_cpu_share for rush in rushes}
    saturated = max(shares.values(), default=0.0) >= settings.generator_cpu_limit
    capacity = _rate(baseline, "healthz")
    deposit = next((r for r in rushes if r.phase == "deposit"), None)
    requests_rate = len(deposit.samples.rows) / deposit.samples.wall_s if deposit else 0.0
    return {
        "healthz_capacity_per_s": capacity,
        "healthz_cpu_share": baseline.generator_cpu_share,
        "cpu_share_by_rush": shares,
        "cpu_limit": settings.generator_cpu_limit,
        "saturated": saturated,
        "bottleneck": "generator" if saturated else "target",
        "deposit_rush_requests_per_s": requests_rate,
        "deposit_rush_to_healthz": requests_rate / capacity if capacity else None,
        "deposits_per_s": _rate(deposit, "deposit") if deposit else None,
    }
