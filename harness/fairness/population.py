"""The registered population a fairness run draws from, in the draw's canonical order.

Every statistic of F-01..F-05 works on positions in the canonical list (ids sorted by their
bytes, ACS-DRAW-1 step 1), so each attribute is stored as an array aligned with that list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["Population"]


@dataclass(frozen=True, eq=False)
class Population:
    """N registered applicants, canonical order; attribute arrays are aligned with ``ids``.

    ``order`` is the registration order (0 = registered first) and must be a permutation of
    0..N-1; ``registered_at`` is in seconds since the first registration.
    """

    ids: tuple[str, ...] | np.ndarray
    order: np.ndarray
    registered_at: np.ndarray
    region: np.ndarray
    national_id: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.ids)
        object.__setattr__(self, "order", np.asarray(self.order, dtype=np.int64))
        object.__setattr__(self, "registered_at",
                           np.asarray(self.registered_at, dtype=np.float64))
        object.__setattr__(self, "region", np.asarray(self.region, dtype=str))
        object.__setattr__(self, "national_id", np.asarray(self.national_id, dtype=str))
        for name in ("order", "registered_at", "region", "national_id"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"population {name} has shape {getattr(self, name).shape}, "
                                 f"expected ({n},) to match the ids")
        keys = self.id_bytes
        if n > 1 and not bool((keys[1:] > keys[:-1]).all()):
            at = int(np.argmin(keys[1:] > keys[:-1]))
            raise ValueError(f"population ids are not in canonical order or repeat an id: "
                             f"{_text(keys[at])!r} then {_text(keys[at + 1])!r}")
        if n and not np.array_equal(np.sort(self.order), np.arange(n)):
            raise ValueError("population order must be a permutation of 0..N-1")
        if n and not bool(np.isfinite(self.registered_at).all()):
            raise ValueError("population registered_at must be finite")
        _check_national_ids(self.national_id)

    @classmethod
    def from_registrations(cls, ids: Sequence[str], registered_at: Sequence[float] | np.ndarray,
                           region: Sequence[str] | np.ndarray,
                           national_id: Sequence[str] | np.ndarray) -> Population:
        """Build from lists in registration order (first registered first)."""
        keys = _as_bytes(ids)
        canonical = np.argsort(keys, kind="stable")
        times = np.asarray(registered_at, dtype=np.float64)
        start = float(times.min()) if len(times) else 0.0
        return cls(
            ids=tuple(_text(k) for k in keys[canonical].tolist()),
            order=canonical.astype(np.int64),  # the registration index of each canonical id
            registered_at=(times - start)[canonical],
            region=np.asarray(region, dtype=str)[canonical],
            national_id=np.asarray(national_id, dtype=str)[canonical],
        )

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def id_bytes(self) -> np.ndarray:
        """The ids as a numpy byte-string array (NUL padding sorts as byte order requires)."""
        return _as_bytes(self.ids)

    def id_at(self, position: int) -> str:
        """The id at a canonical position, as text."""
        return _text(self.ids[position])

    def index_of(self, ids: Sequence[str] | np.ndarray) -> np.ndarray:
        """Canonical positions of ``ids`` (int64); -1 marks an id not in the population."""
        wanted = _as_bytes(ids)
        if len(wanted) == 0 or self.size == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        pos = np.searchsorted(self.id_bytes, wanted)
        clipped = np.minimum(pos, self.size - 1)
        return np.where(self.id_bytes[clipped] == wanted, clipped, -1).astype(np.int64)

    @cached_property
    def region_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted distinct region names, int64 code of each applicant's region)."""
        names, codes = np.unique(self.region, return_inverse=True)
        return names, codes.astype(np.int64).reshape(-1)

    @cached_property
    def digits(self) -> np.ndarray:
        """The national ids as an (N, 10) array of digit values."""
        if self.size == 0:
            return np.zeros((0, 10), dtype=np.int64)
        raw = np.frombuffer(self.national_id.astype("S10").tobytes(), dtype=np.uint8)
        return (raw.reshape(self.size, 10) - ord("0")).astype(np.int64)


def _as_bytes(ids: Sequence[str] | np.ndarray) -> np.ndarray:
    if isinstance(ids, np.ndarray) and ids.dtype.kind == "S":
        return ids
    listed = list(ids)
    if not listed:
        return np.array([], dtype="S1")
    try:
        return np.array(listed, dtype=np.bytes_)
    except UnicodeEncodeError as exc:
        raise ValueError(f"applicant id {exc.object!r} is not ASCII") from exc


def _text(value: bytes | str) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else value


def _check_national_ids(values: np.ndarray) -> None:
    if values.size == 0:
        return
    lengths = np.char.str_len(values)
    digits = np.char.isdigit(values)
    bad = ~((lengths == 10) & digits)
    if bad.any():
        raise ValueError(f"national id {str(values[int(np.argmax(bad))])!r} is not ten digits")
