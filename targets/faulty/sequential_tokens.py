"""Defect ``sequential-tokens``: applicant tokens come from a counter.

Each registration's token is ``tok-`` and a 32-digit hexadecimal counter started from the clock,
so tokens are unique and of a plausible length but each one tells the next.
"""

from __future__ import annotations

import itertools
import threading
import time

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]

_counter = itertools.count(int(time.time()))
_lock = threading.Lock()


def _next_token() -> str:
    with _lock:
        return f"tok-{next(_counter):032x}"


def apply() -> None:
    from targets.reference import registration

    registration.new_token = _next_token


DEFECT = Defect(
    name="sequential-tokens",
    must_fail=("S-04",),
    description="applicant tokens are a hexadecimal counter: unique but predictable",
    apply=apply,
)
