"""Defect ``stack-traces-in-errors``: error answers carry the Python traceback (a debug mode).

Every contract error (401, 404, 422, ...) keeps its status and code, but its ``message`` ends with
the traceback of where the error was raised, file names and line numbers included.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference.errors import ApiError

    if getattr(ApiError.body, "_faulty", False):
        return
    ApiError.body = _verbose(ApiError.body)  # type: ignore[method-assign]


def _verbose(body: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
    def verbose(self: Any) -> dict[str, str]:
        answer = body(self)
        trace = "".join(traceback.format_exception(self))
        return {**answer, "message": f"{answer['message']}\n{trace}"}

    verbose._faulty = True  # type: ignore[attr-defined]
    return verbose


DEFECT = Defect(
    name="stack-traces-in-errors",
    must_fail=("S-07",),
    description="error messages end with the Python traceback of where they were raised",
    apply=apply,
)
