"""National ids: the ASTI-1 check-digit rule and the keyed hash under which ids are stored.

The system needs a national id only to compare it (one registration per person per round, previous
winners excluded in later rounds), so it stores HMAC-SHA256(key, id) instead of the id: a leaked
table does not reveal ids, and without the key the 10^9 possible ids cannot be tried offline.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["NationalIdHasher", "is_valid_national_id"]


def is_valid_national_id(value: str) -> bool:
    """ASTI-1 section 4: ten ASCII digits, weighted check digit mod 11, not all ten equal."""
    if len(value) != 10 or not all("0" <= c <= "9" for c in value):
        return False
    if value == value[0] * 10:
        return False
    digits = [ord(c) - 48 for c in value]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    expected = remainder if remainder < 2 else 11 - remainder
    return digits[9] == expected


class NationalIdHasher:
    """Maps a valid national id to its stored form (hex HMAC-SHA256 under the instance key)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the national-id key must be at least 16 bytes")
        self._key = key

    def __call__(self, national_id: str) -> str:
        return hmac.new(self._key, national_id.encode("ascii"), hashlib.sha256).hexdigest()
