"""Defect ``type-confusion-500``: a field of an unexpected JSON type crashes the request (500).

The text and integer validators of the reference use their value before checking its type:
``name`` sent as a number or ``amount`` sent as a string raises inside the server, which answers
500 ``internal_error``. Values of the right types are judged as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import deposits, lab, registration, rounds, validation

    if getattr(validation.require_text, "_faulty", False):
        return
    text, number = _careless_text(validation.require_text), _careless_int(validation.require_int)
    validation.require_text, validation.require_int = text, number
    registration.require_text = text
    for module in (deposits, rounds, lab):
        module.require_int = number  # type: ignore[attr-defined]


def _careless_text(require_text: Callable[..., str]) -> Callable[..., str]:
    def careless(body: dict[str, Any], name: str, low: int, high: int) -> str:
        if name in body:
            body[name].strip()  # AttributeError for anything but a string
        return require_text(body, name, low, high)

    careless._faulty = True  # type: ignore[attr-defined]
    return careless


def _careless_int(require_int: Callable[..., int]) -> Callable[..., int]:
    def careless(body: dict[str, Any], name: str, low: int, high: int) -> int:
        if name in body and body[name] is not None:
            _ = body[name] + 0  # TypeError for a string, a list or an object
        return require_int(body, name, low, high)

    return careless


DEFECT = Defect(
    name="type-confusion-500",
    must_fail=("S-08",),
    description="a request field of an unexpected JSON type (a number for a name, a string for"
    " an amount) makes the server fail with 500",
    apply=apply,
)
