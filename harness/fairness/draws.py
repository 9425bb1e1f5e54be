"""M practice draws over one population, as canonical positions (what F-01..F-05 analyse)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from harness.fairness.population import Population

__all__ = ["DrawSample"]


@dataclass(frozen=True, eq=False)
class DrawSample:
    """Draw t's primary list is ``primary[t]`` and its reserve list ``reserve[t]`` (rank 1 first),
    both as indices into ``population.ids``; ``related_pairs`` holds pairs of row numbers of draws
    whose seeds differ in one bit (F-05).
    """

    population: Population
    primary_slots: int
    reserve_slots: int
    primary: np.ndarray
    reserve: np.ndarray
    related_pairs: np.ndarray

    def __post_init__(self) -> None:
        n, k, r = self.population.size, self.primary_size, self.reserve_size
        if self.primary_slots < 0 or self.reserve_slots < 0:
            raise ValueError("slot counts must not be negative")
        primary = np.asarray(self.primary, dtype=np.int32)
        if primary.ndim != 2 or primary.shape[1] != k:
            raise ValueError(f"primary must have shape (M, {k}), got {primary.shape}")
        m = primary.shape[0]
        reserve = np.asarray(self.reserve, dtype=np.int32)
        if reserve.shape != (m, r):
            raise ValueError(f"reserve must have shape ({m}, {r}), got {reserve.shape}")
        pairs = np.asarray(self.related_pairs, dtype=np.int64).reshape(-1, 2)
        object.__setattr__(self, "primary", primary)
        object.__setattr__(self, "reserve", reserve)
        object.__setattr__(self, "related_pairs", pairs)
        both = np.concatenate([primary, reserve], axis=1)
        if both.size and (both.min() < 0 or both.max() >= n):
            raise ValueError(f"draw indices must lie in 0..{n - 1}")
        _check_unique_rows(both, self.population.id_at)
        if pairs.size and (pairs.min() < 0 or pairs.max() >= m):
            raise ValueError(f"related pairs must name draw rows 0..{m - 1}")
        if pairs.size and bool((pairs[:, 0] == pairs[:, 1]).any()):
            raise ValueError("a related pair names the same draw twice")

    @property
    def primary_size(self) -> int:
        """Primary list length of every draw: min(K, N)."""
        return min(self.primary_slots, self.population.size)

    @property
    def reserve_size(self) -> int:
        """Reserve list length of every draw: min(K + R, N) - min(K, N)."""
        n = self.population.size
        return min(self.primary_slots + self.reserve_slots, n) - self.primary_size

    @property
    def n_draws(self) -> int:
        return int(self.primary.shape[0])

    @classmethod
    def from_id_lists(cls, population: Population, primary_slots: int, reserve_slots: int,
                      draws: Sequence[tuple[Sequence[str], Sequence[str]]],
                      related_pairs: Sequence[tuple[int, int]] | np.ndarray) -> DrawSample:
        """Turn lists of ids (as the lab endpoint returns them) into index arrays.

        Raises ValueError naming the draw and the id when a list has the wrong length, names an
        id outside the population, or names one id twice.
        """
        n = population.size
        k = min(primary_slots, n)
        r = min(primary_slots + reserve_slots, n) - k
        flat: list[str] = []
        for t, (primary, reserve) in enumerate(draws):
            if len(primary) != k or len(reserve) != r:
                raise ValueError(f"draw {t} has {len(primary)} primary and {len(reserve)} reserve "
                                 f"ids, expected {k} and {r} for N = {n}")
            flat.extend(primary)
            flat.extend(reserve)
        index = population.index_of(flat)
        if (index < 0).any():
            at = int(np.argmax(index < 0))
            raise ValueError(f"draw {at // max(k + r, 1)} names unknown applicant id "
                             f"{flat[at]!r}")
        both = index.reshape(len(draws), k + r).astype(np.int32)
        _check_unique_rows(both, population.id_at)
        return cls(population, primary_slots, reserve_slots, both[:, :k], both[:, k:],
                   np.asarray(related_pairs, dtype=np.int64).reshape(-1, 2))


def _check_unique_rows(rows: np.ndarray, name_of: Callable[[int], str]) -> None:
    """ValueError naming the first draw that lists one applicant twice."""
    if rows.shape[1] < 2:
        return
    ordered = np.sort(rows, axis=1)
    twins = ordered[:, 1:] == ordered[:, :-1]
    if twins.any():
        t, j = (int(v) for v in np.argwhere(twins)[0])
        raise ValueError(f"draw {t} names applicant id {name_of(int(ordered[t, j]))!r} twice")
