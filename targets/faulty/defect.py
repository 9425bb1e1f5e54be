"""``Defect``: one named, deliberate fault, applied to the reference as a small modifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Defect"]


@dataclass(frozen=True)
class Defect:
    """A fault the harness must catch.

    ``must_fail`` lists the requirement ids that must come out FAIL against it. ``apply`` patches
    the reference's functions or classes in this process; call it once, before the reference's
    app is created. It never copies the reference's code: it wraps or replaces one piece of it.
    """

    name: str
    must_fail: tuple[str, ...]
    description: str
    apply: Callable[[], None]
