"""The font the Persian report embeds: Vazirmatn (SIL OFL 1.1), subset once and committed.

``webfonts/`` holds the subsets, the licence and a note of where they come from and how they were
made (``tools/subset_vazirmatn.py`` rebuilds them). The report embeds them as base64 WOFF2 so the
file renders Persian on a machine with no Persian font and fetches nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["EmbeddedFont", "embedded_font"]


@dataclass(frozen=True)
class EmbeddedFont:
    """The base64 text of each weight's WOFF2 file."""

    regular: str
    bold: str

    @property
    def size(self) -> int:
        """Bytes the two weights add to a report (their base64 text)."""
        return len(self.regular) + len(self.bold)


def _base64(name: str) -> str:
    data = resources.files("harness.report").joinpath("webfonts", name).read_bytes()
    return base64.b64encode(data).decode("ascii")


@cache
def embedded_font() -> EmbeddedFont:
    return EmbeddedFont(_base64("Vazirmatn-Regular-subset.woff2"),
                        _base64("Vazirmatn-Bold-subset.woff2"))
