"""Side-by-side timing: candidates run interleaved, round after round, in one process.

The machines these run on are shared and noisy, so absolute times drift between runs; the ratio of
two candidates measured in alternation within one run is the figure worth reporting. Each
candidate's time is its median over the rounds (robust to a single stall).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Timing", "compare", "peak_memory", "print_table"]


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def compare(candidates: dict[str, Callable[[], object]], rounds: int = 3) -> list[Timing]:
    """Time every candidate once per round, in rotating order, ``rounds`` times."""
    names = list(candidates)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            start = time.perf_counter()
            candidates[name]()
            samples[name].append(time.perf_counter() - start)
    return [Timing(name, samples[name]) for name in names]


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated through Python's allocators (numpy included) while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def print_table(title: str, timings: list[Timing], baseline: str) -> None:
    """Print each candidate's median and its ratio to ``baseline``."""
    base = next(t for t in timings if t.name == baseline).median
    print(f"\n{title}")
    print(f"  {'candidate':<44} {'median s':>10} {'ratio':>8}")
    for t in timings:
        print(f"  {t.name:<44} {t.median:>10.3f} {t.median / base:>7.2f}x")
