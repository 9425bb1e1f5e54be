"""Synthetic people: the only data the harness ever writes into a target (DESIGN.md section 7).

National ids follow the ASTI-1 check-digit rule and are drawn from a seeded generator, so a run
can register the same people again from its seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Person", "check_digit", "is_valid_national_id", "national_ids", "people"]

_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)  # 10, 9, ..., 2 for digits d0..d8


def check_digit(prefix: str) -> int:
    """The tenth digit that makes the nine-digit ``prefix`` a valid national id."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(prefix))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def is_valid_national_id(text: str) -> bool:
    """Ten ASCII digits, right check digit, not ten equal digits (ASTI-1 section 4)."""
    if len(text) != 10 or not text.isascii() or not text.isdigit() or len(set(text)) == 1:
        return False
    return int(text[9]) == check_digit(text[:9])


def national_ids(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct valid national ids, uniformly spread over the nine-digit prefixes."""
    prefixes = rng.choice(10**9, size=count + 16, replace=False)
    digits = (prefixes[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    remainder = (digits @ _WEIGHTS) % 11
    last = np.where(remainder < 2, remainder, 11 - remainder)
    texts = [f"{p:09d}{d}" for p, d in zip(prefixes.tolist(), last.tolist(), strict=True)]
    valid = [t for t in texts if len(set(t)) > 1]  # ten equal digits are refused by the contract
    if len(valid) < count:
        raise AssertionError("only the ten prefixes ddddddddd can give ten equal digits")
    return valid[:count]


@dataclass(frozen=True)
class Person:
    """One synthetic applicant as the registration endpoint takes it."""

    national_id: str
    name: str
    region: str

    def body(self) -> dict[str, str]:
        return {"national_id": self.national_id, "name": self.name, "region": self.region}


def people(
    rng: np.random.Generator, count: int, region_weights: Sequence[float] = (1.0,)
) -> list[Person]:
    """``count`` people with distinct valid national ids; region ``region-01``... is drawn with
    the given relative weights, so regions can have deliberately unequal sizes."""
    weights = np.asarray(region_weights, dtype=np.float64)
    if weights.ndim != 1 or len(weights) == 0 or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("region weights must be non-negative with a positive sum")
    regions = rng.choice(len(weights), size=count, p=weights / weights.sum())
    ids = national_ids(rng, count)
    return [
        Person(nid, f"Applicant {i + 1}", f"region-{int(r) + 1:02d}")
        for i, (nid, r) in enumerate(zip(ids, regions.tolist(), strict=True))
    ]
