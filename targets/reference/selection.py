"""Who was drawn in a round, and at which rank: an index over the round's published results.

The draw records its outcome once, as the results record (append-only, bound by its digest).
Every later question about the outcome (an applicant's ``/me`` status, whether they may pay,
who forfeits and who is promoted) is answered from that same record. So the system cannot tell
an applicant anything other than what it published, and the draw writes one row instead of one
per drawn applicant: in a round of 4 million, those 190,000 row writes scattered over the
largest table cost several times the draw itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import repeat

__all__ = ["Selection"]


class Selection:
    """The primary and reserve lists of one drawn round, in drawn order, with a lookup by id."""

    def __init__(self, primary: Sequence[str], reserve: Sequence[str]) -> None:
        self.primary: tuple[str, ...] = tuple(primary)
        self.reserve: tuple[str, ...] = tuple(reserve)
        self._index: dict[str, tuple[str, int]] = dict(_ranked("reserve", self.reserve))
        self._index.update(_ranked("primary", self.primary))

    @classmethod
    def from_results(cls, body: str) -> Selection:
        """From the stored results document (the JSON the draw published)."""
        published = json.loads(body)
        return cls(published["primary"], published["reserve"])

    def role(self, applicant_id: str) -> tuple[str | None, int | None]:
        """("primary" | "reserve", 1-based rank in that list), or (None, None) if not drawn."""
        return self._index.get(applicant_id, (None, None))


def _ranked(role: str, ids: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, int]]]:
    """(id, (role, rank)) pairs built without a Python-level loop (190,000 ids at full size)."""
    ranks = zip(repeat(role, len(ids)), range(1, len(ids) + 1), strict=True)
    return zip(ids, ranks, strict=True)
