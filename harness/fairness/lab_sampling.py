"""Practice draws from the lab endpoint: the seeds the harness chooses and the lists it gets back.

Seeds come from the run seed, so a rerun asks for the same draws. Most are independent; the last
``2 * related`` rows form pairs whose seeds differ in exactly one bit (F-05 asks whether such
draws overlap more than chance allows). The recipe is written into the evidence.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from harness.errors import TargetError
from harness.seeds import RunSeed
from harness.target import HttpTarget

__all__ = [
    "DrawShapeError", "FetchTiming", "LabSeeds", "answer_fits", "fetch_lab_indices", "lab_seeds",
]


@dataclass(frozen=True)
class LabSeeds:
    """The seeds of the M practice draws and the row pairs whose seeds differ in one bit."""

    seeds: tuple[bytes, ...]
    related_pairs: np.ndarray  # int64 (P, 2)
    flipped_bits: tuple[int, ...]  # bit index (0 = most significant of byte 0) per pair

    population: int

    def recipe(self) -> dict[str, Any]:
        independent = len(self.seeds) - len(self.flipped_bits)
        return {
            "draws": len(self.seeds),
            "independent": independent,
            "independent_seed": f"row i < independent: RunSeed.derive('fairness', 'lab-seed',"
                                f" {self.population}, i), i.e. SHA-256 of the sub-seed tag, the"
                                " master seed and the length-prefixed labels",
            "related_seed": "row independent + j: row j's seed with bit flipped_bits[j] inverted",
            "flipped_bits": list(self.flipped_bits),
        }


def lab_seeds(run_seed: RunSeed, population: int, draws: int, related: int) -> LabSeeds:
    """``draws`` seeds for population number ``population``, the last ``related`` of them
    one-bit neighbours of the first ``related``."""
    if not 0 <= 2 * related <= draws:
        raise ValueError("related pairs need two draws each")
    independent = draws - related
    labels = ("fairness", "lab-seed", population)
    seeds = [run_seed.derive(*labels, i) for i in range(independent)]
    bits = run_seed.rng(*labels, "flips").integers(0, 256, size=related).tolist()
    for j, bit in enumerate(bits):
        flipped = bytearray(seeds[j])
        flipped[bit // 8] ^= 0x80 >> (bit % 8)
        seeds.append(bytes(flipped))
    pairs = np.array([(j, independent + j) for j in range(related)], dtype=np.int64)
    return LabSeeds(tuple(seeds), pairs.reshape(-1, 2), tuple(int(b) for b in bits), population)


@dataclass
class FetchTiming:
    calls: int = 0
    waiting_s: float = 0.0  # inside the lab calls (the target working, the answer parsed)
    converting_s: float = 0.0  # ids -> indices, overlapped with the next call
    per_call_s: list[float] = field(default_factory=list)


class DrawShapeError(ValueError):
    """A practice draw that cannot be a draw over the eligible list (unknown id, wrong size)."""


def _lists(item: Any, seed_hex: str) -> tuple[list[str], list[str]]:
    if not isinstance(item, dict):
        raise TargetError(f"lab draws: an entry is not an object: {item!r:.120}")
    primary, reserve = item.get("primary"), item.get("reserve")
    for name, value in (("primary", primary), ("reserve", reserve)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TargetError(f"lab draws: seed {seed_hex}: {name} is not a list of ids")
    return primary, reserve  # type: ignore[return-value]


def _match(answer: list[Any], chunk: Sequence[bytes]) -> list[tuple[list[str], list[str]]]:
    """The lists for each seed of ``chunk``, in request order, matched by the echoed seed."""
    if len(answer) != len(chunk):
        raise TargetError(f"lab draws: asked for {len(chunk)} draws, got {len(answer)}")
    by_seed = {
        str(item.get("seed", "")).lower(): item for item in answer if isinstance(item, dict)
    }
    lists = []
    for seed in chunk:
        if seed.hex() not in by_seed:
            raise TargetError(f"lab draws: the answer has no draw for seed {seed.hex()}")
        lists.append(_lists(by_seed[seed.hex()], seed.hex()))
    return lists


def _to_indices(lists: list[tuple[list[str], list[str]]], first_row: int,
                index: Mapping[str, int], sizes: tuple[int, int]) -> np.ndarray:
    """Rows of canonical positions (primary then reserve); DrawShapeError names the culprit."""
    k, r = sizes
    rows = np.empty((len(lists), k + r), dtype=np.int32)
    for t, (primary, reserve) in enumerate(lists):
        if len(primary) != k or len(reserve) != r:
            raise DrawShapeError(f"draw {first_row + t} has {len(primary)} primary and"
                                 f" {len(reserve)} reserve ids, expected {k} and {r}")
        try:
            rows[t, :k] = [index[aid] for aid in primary]
            rows[t, k:] = [index[aid] for aid in reserve]
        except KeyError as exc:
            raise DrawShapeError(f"draw {first_row + t} names unknown applicant id"
                                 f" {exc.args[0]!r}") from None
    return rows


# Worst-case JSON bytes of one id in a lab answer (64 characters, quotes, separator, a blank a
# system may add) and of one draw's own fields; half the body limit is left as a margin.
_ID_BYTES, _DRAW_BYTES = 70, 200


def answer_fits(sizes: tuple[int, int], limit: int) -> int:
    """How many draws of ``sizes`` (primary, reserve) one lab answer can hold within ``limit``."""
    return (limit // 2) // (sum(sizes) * _ID_BYTES + _DRAW_BYTES)


def fetch_lab_indices(
    client: HttpTarget, round_id: str, seeds: Sequence[bytes], batch: int,
    index: Mapping[str, int], sizes: tuple[int, int], timing: FetchTiming,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Every seed's draw as a row of canonical positions, ``batch`` seeds per lab call.

    The next call is in flight while a batch's ids are turned into positions, so that work
    hides in the time spent waiting on the target. A batch is also cut so that its answer fits
    the adapter's body limit even when every id has the contract's 64 characters.
    """
    batch = max(1, min(batch, answer_fits(sizes, client.MAX_BODY_BYTES)))
    chunks = [seeds[start:start + batch] for start in range(0, len(seeds), batch)]

    def call(chunk: Sequence[bytes]) -> tuple[list[Any], float]:
        began = time.perf_counter()
        answer = client.lab_draws(round_id, [seed.hex() for seed in chunk])
        return list(answer), time.perf_counter() - began

    rows: list[np.ndarray] = []
    with ThreadPoolExecutor(1, thread_name_prefix="lab-draws") as caller:
        calls = [caller.submit(call, chunks[0])] if chunks else []
        try:
            for number, chunk in enumerate(chunks):
                if number + 1 < len(chunks):
                    calls.append(caller.submit(call, chunks[number + 1]))
                answer, elapsed = calls[number].result()
                timing.calls += 1
                timing.waiting_s += elapsed
                timing.per_call_s.append(round(elapsed, 4))
                began = time.perf_counter()
                done = sum(len(r) for r in rows)
                rows.append(_to_indices(_match(answer, chunk), done, index, sizes))
                timing.converting_s += time.perf_counter() - began
                if progress is not None:
                    progress(done + len(chunk), len(seeds))
        except BaseException:
            for pending in calls:
                pending.cancel()  # a queued call never starts; one in flight ends by its deadline
            raise
    k, r = sizes
    return np.concatenate(rows) if rows else np.empty((0, k + r), dtype=np.int32)
