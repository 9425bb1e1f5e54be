"""Fast in-process draws, correct and deliberately biased, for calibration, power and benchmarks.

A correct draw is a uniformly random ordered prefix of length min(K + R, N) of the canonical
list, which is what ACS-DRAW-1 produces when its words are uniform: these generators give the
same distribution without hashing, so thousands of runs take seconds. Row t of each returned
array is draw t, as canonical positions (int32), primary first then reserve rank 1 first.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from harness.fairness.population import Population

__all__ = ["BIAS_KINDS", "biased_draws", "related_pairs", "synthetic_population",
           "uniform_draws"]

_CELLS_PER_CHUNK = 4_000_000  # bounds the (draws x N) scratch arrays to ~32 MB
DEFAULT_REGION_WEIGHTS = (0.25, 0.20, 0.15, 0.12, 0.10, 0.08, 0.06, 0.04)
_ID_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", dtype=np.uint8)


def _sizes(n: int, k: int, r: int) -> tuple[int, int]:
    return min(k, n), min(k + r, n)


def _split(rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    return rows[:, :k].astype(np.int32), rows[:, k:].astype(np.int32)


def _smallest_keys(n: int, s: int, m: int, keys_of: Callable[[int], np.ndarray]) -> np.ndarray:
    """Positions of the s smallest keys of each row, in increasing key order, chunk by chunk."""
    out = np.empty((m, s), dtype=np.int64)
    chunk = max(1, _CELLS_PER_CHUNK // max(n, 1))
    for start in range(0, m, chunk):
        keys = keys_of(min(chunk, m - start))
        idx = np.argpartition(keys, s - 1, axis=1)[:, :s] if 0 < s < n else (
            np.broadcast_to(np.arange(n), keys.shape)[:, :s])
        order = np.argsort(np.take_along_axis(keys, idx, axis=1), axis=1, kind="stable")
        out[start:start + len(keys)] = np.take_along_axis(idx, order, axis=1)
    return out


def uniform_draws(n: int, k: int, r: int, m: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """M correct draws: (primary (M, min(K,N)), reserve (M, min(K+R,N) - min(K,N)))."""
    kk, s = _sizes(n, k, r)
    return _split(_smallest_keys(n, s, m, lambda c: rng.random((c, n))), kk)


def _weighted_draws(weights: np.ndarray, k: int, r: int, m: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Successive sampling with probability proportional to ``weights`` among those left
    (exponential keys divided by the weight: the smallest key is the next pick)."""
    n = len(weights)
    kk, s = _sizes(n, k, r)
    scale = 1.0 / np.maximum(weights, 1e-300)
    return _split(_smallest_keys(n, s, m, lambda c: rng.standard_exponential((c, n)) * scale),
                  kk)


def _weight_for_ratio(members: int, n: int, k: int, ratio: float) -> float:
    """Weight that multiplies ``members`` applicants' primary-inclusion chance by ``ratio``
    relative to the others (successive sampling: inclusion ~ 1 - exp(-w t))."""
    if ratio <= 0:
        return 0.0
    others = min(k / (n + (ratio - 1.0) * members), 1 - 1e-12)
    mine = min(ratio * others, 1 - 1e-12)
    return float(np.log1p(-mine) / np.log1p(-others))


def _fisher_yates(n: int, s: int, m: int,
                  offsets: Callable[[int, slice], np.ndarray]) -> np.ndarray:
    """Partial Fisher-Yates on every row at once; ``offsets(size, rows)`` gives j - i for the
    draws ``rows`` at the step whose remaining size is ``size``."""
    out = np.empty((m, s), dtype=np.int64)
    chunk = max(1, _CELLS_PER_CHUNK // max(n, 1))
    for start in range(0, m, chunk):
        c = min(chunk, m - start)
        perm = np.tile(np.arange(n, dtype=np.int64), (c, 1))
        rows = np.arange(c)
        for i in range(s):
            j = i + offsets(n - i, slice(start, start + c))
            held = perm[rows, i].copy()
            perm[rows, i] = perm[rows, j]
            perm[rows, j] = held
        out[start:start + c] = perm[:, :s]
    return out


def _modulo_index(population: Population, k: int, r: int, m: int, rng: np.random.Generator,
                  strength: float, bits: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """The defect: j = i + (word mod (N - i)) with a ``bits``-bit word, in a share ``strength``
    of the draws (the others are correct)."""
    n = population.size
    kk, s = _sizes(n, k, r)
    faulty = rng.random(m) < strength

    def offsets(size: int, rows: slice) -> np.ndarray:
        flags = faulty[rows]
        word = rng.integers(0, 2**bits, size=len(flags)) % size
        return np.where(flags, word, rng.integers(0, size, size=len(flags)))

    return _split(_fisher_yates(n, s, m, offsets), kk)


def _order_weights(population: Population, k: int, share: float, window: float) -> np.ndarray:
    n = population.size
    early = population.order < max(1, round(window * n))
    n_early = int(early.sum())
    share = min(share, n_early / max(min(k, n), 1))
    mine = min(share * k / n_early, 1 - 1e-12)
    others = max((1 - share) * k / max(n - n_early, 1), 1e-12)
    weight = float(np.log1p(-mine) / np.log1p(-others))
    return np.where(early, weight, 1.0)


def _sorted_reserve(population: Population, k: int, r: int, m: int, rng: np.random.Generator,
                    strength: float) -> tuple[np.ndarray, np.ndarray]:
    primary, reserve = uniform_draws(population.size, k, r, m, rng)
    flagged = rng.random(m) < strength
    by_order = np.take_along_axis(reserve, np.argsort(population.order[reserve], axis=1), axis=1)
    return primary, np.where(flagged[:, None], by_order, reserve).astype(np.int32)


def _related(population: Population, k: int, r: int, m: int, rng: np.random.Generator,
             strength: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows 2i and 2i+1 are a related pair: row 2i+1 keeps a share ``strength`` of row 2i's
    primary list (a random subset) and fills the rest uniformly from the others."""
    n = population.size
    kk, s = _sizes(n, k, r)
    primary, reserve = uniform_draws(n, k, r, m, rng)
    keep = int(round(strength * kk))
    both = np.concatenate([primary, reserve], axis=1)
    for t in range(1, m, 2):
        kept = both[t - 1, :keep]
        own = both[t]  # a uniform prefix: without the kept ids it still holds >= s - keep
        both[t] = np.concatenate([kept, own[~np.isin(own, kept)][: s - keep]])
    return _split(both, kk)


def _neighbours(population: Population, k: int, r: int, m: int, rng: np.random.Generator,
                strength: float) -> tuple[np.ndarray, np.ndarray]:
    """A share ``strength`` of each primary list comes as canonical neighbour pairs (2i, 2i+1)."""
    n = population.size
    kk, s = _sizes(n, k, r)
    primary, reserve = uniform_draws(n, k, r, m, rng)
    pairs = int(round(strength * kk / 2))
    for t in range(m):
        seeds = primary[t, :pairs]
        partners = seeds ^ 1
        partners = partners[(partners < n) & ~np.isin(partners, seeds)]
        head = np.concatenate([seeds, partners])
        rest = np.concatenate([primary[t, pairs:], reserve[t]])
        row = np.concatenate([head, rest[~np.isin(rest, head)]])[:s]
        primary[t], reserve[t] = row[:kk], row[kk:]
    return primary, reserve


def biased_draws(kind: str, population: Population, k: int, r: int, m: int,
                 rng: np.random.Generator, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """M draws with one named defect of the given strength (see BIAS_KINDS)."""
    if kind not in BIAS_KINDS:
        raise ValueError(f"unknown bias kind {kind!r}; known: {', '.join(sorted(BIAS_KINDS))}")
    n = population.size
    if kind == "order":
        return _weighted_draws(_order_weights(population, k, strength, 1 / 15), k, r, m, rng)
    if kind == "region":
        names, codes = population.region_codes
        smallest = int(np.argmin(np.bincount(codes, minlength=len(names))))
        mask = codes == smallest
        weight = _weight_for_ratio(int(mask.sum()), n, min(k, n), 1 + strength)
        return _weighted_draws(np.where(mask, weight, 1.0), k, r, m, rng)
    if kind == "exclude_last":
        weights = np.ones(n)
        weights[-1] = _weight_for_ratio(1, n, min(k, n), 1 - strength)
        return _weighted_draws(weights, k, r, m, rng)
    if kind == "mod16":
        return _modulo_index(population, k, r, m, rng, strength)
    if kind == "reserve_rank":
        return _sorted_reserve(population, k, r, m, rng, strength)
    if kind == "related":
        return _related(population, k, r, m, rng, strength)
    return _neighbours(population, k, r, m, rng, strength)


BIAS_KINDS = {
    "order": "DV-2012-like: a share `strength` of winners from the first 1/15 of registrations",
    "region": "the smallest region's chance is (1 + strength) times the others'",
    "mod16": "j = i + (16-bit word mod (N - i)) in a share `strength` of the draws",
    "exclude_last": "the last canonical applicant's chance is (1 - strength) times the others'",
    "reserve_rank": "a share `strength` of the draws lists reserves in registration order",
    "related": "rows 2i, 2i+1 are related seeds; 2i+1 keeps a share `strength` of 2i's winners",
    "neighbours": "a share `strength` of each primary list comes as canonical neighbour pairs",
}


def related_pairs(m: int) -> np.ndarray:
    """The related-pair rows (2i, 2i+1) that the "related" kind produces, as an (M//2, 2) array."""
    return np.arange(2 * (m // 2), dtype=np.int64).reshape(-1, 2)


def synthetic_population(n: int, rng: np.random.Generator,
                         region_weights: tuple[float, ...] = DEFAULT_REGION_WEIGHTS,
                         window_seconds: float = 30 * 86400.0) -> Population:
    """N applicants with random 12-character ids (so canonical and registration order are
    unrelated), front-loaded registration times, weighted regions and valid national ids."""
    ids = _unique_rows(lambda c: _ID_ALPHABET[rng.integers(0, 64, (c, 12))], n)
    times = np.sort(window_seconds * rng.random(n) ** 1.5)
    weights = np.asarray(region_weights) / np.sum(region_weights)
    region = np.array([f"region-{i + 1:02d}" for i in range(len(weights))])[
        rng.choice(len(weights), size=n, p=weights)]
    national = _unique_rows(lambda c: _national_ids(rng, c), n)
    return Population.from_registrations(
        [bytes(row).decode("ascii") for row in ids], times, region,
        [bytes(row).decode("ascii") for row in national])


def _unique_rows(make: Callable[[int], np.ndarray], n: int) -> np.ndarray:
    rows = make(n)
    while True:
        _, first = np.unique(rows, axis=0, return_index=True)
        if len(first) == n:
            return rows
        keep = np.sort(first)
        rows = np.concatenate([rows[keep], make(n - len(keep))])


def _national_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    """Valid ASTI-1 national ids as ASCII rows: mod-11 check digit, never ten equal digits."""
    body = rng.integers(0, 10, (count, 9))
    rest = (body * np.arange(10, 1, -1)).sum(axis=1) % 11
    digits = np.concatenate([body, np.where(rest < 2, rest, 11 - rest)[:, None]], axis=1)
    equal = (digits == digits[:, :1]).all(axis=1)
    ascii_rows = (digits[~equal] + ord("0")).astype(np.uint8)
    if equal.any():
        return np.concatenate([ascii_rows, _national_ids(rng, int(equal.sum()))])
    return ascii_rows
