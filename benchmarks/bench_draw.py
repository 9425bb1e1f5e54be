"""ACS-DRAW-1 at the size of a real round, against its floor and against an unverifiable draw.

N = 5,000,000 applicant ids, K = 100,000 primaries, R = 12,000 reserves. Candidates, all starting
from the same Python list of ids:
- floor: the canonical sort plus the digest of the sorted list, the fastest way we know
  (fixed-width numpy byte strings, vectorised newline join). Every verifiable draw must do this.
- harness replay and reference draw: the two ACS-DRAW-1 implementations.
- numpy choice: Generator.choice(N, K + R, replace=False), what a developer might reach for; it
  cannot be replayed by a citizen, and is here to show what verifiability costs.
Goal: each ACS-DRAW-1 implementation costs at most 1.3x the floor.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from benchmarks._timing import compare, peak_memory, print_table
from harness.fairness.replay import replay_draw
from targets.reference.draw import draw as reference_draw

N = int(os.environ.get("BENCH_DRAW_N", 5_000_000))
K, R = 100_000, 12_000
SEED = hashlib.sha256(b"benchmark").digest()
_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", np.uint8
)


def make_ids(n: int) -> list[str]:
    """n distinct 16-character ids in random order (a counter prefix keeps them unique)."""
    rng = np.random.default_rng(2026)
    tails = _ALPHABET[rng.integers(0, 64, size=(n, 8))]
    counter = np.char.zfill(np.arange(n).astype(str), 8).astype("S8").view(np.uint8).reshape(n, 8)
    grid = np.concatenate([tails, counter], axis=1)
    ids = grid.view("S16").ravel()
    rng.shuffle(ids)
    return [value.decode() for value in ids.tolist()]


def floor(ids: list[str]) -> bytes:
    array = np.array(ids, dtype=np.bytes_)
    array.sort()
    width = array.dtype.itemsize
    grid = np.empty((len(array), width + 1), dtype=np.uint8)
    grid[:, :width] = array.view(np.uint8).reshape(len(array), width)
    grid[:, width] = 0x0A
    return hashlib.sha256(grid[grid != 0].tobytes()).digest()


def main() -> None:
    print(f"ACS-DRAW-1 benchmark: N={N:,} K={K:,} R={R:,}")
    ids = make_ids(N)
    rng = np.random.default_rng(7)
    candidates = {
        "floor: canonical sort + digest": lambda: floor(ids),
        "harness replay (harness/fairness/replay.py)": lambda: replay_draw("R", ids, K, R, SEED),
        "reference draw (targets/reference/draw.py)": lambda: reference_draw("R", ids, K, R, SEED),
        "numpy Generator.choice (unverifiable)": lambda: rng.choice(N, K + R, replace=False),
    }
    timings = compare(candidates, rounds=3)
    print_table(
        "time, median of 3 interleaved rounds", timings, baseline="floor: canonical sort + digest"
    )
    print("\npeak memory allocated during one run (tracemalloc), input list excluded")
    for name, fn in candidates.items():
        print(f"  {name:<44} {peak_memory(fn) / 2**20:>8.0f} MiB")


if __name__ == "__main__":
    main()
