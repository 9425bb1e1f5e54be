"""Reading request bodies and checking every field the contract types.

Strict by choice: integers must be JSON integers (not ``5.0``, never ``true``), strings must be
valid Unicode (a lone surrogate cannot be stored or hashed canonically), and patterns match the
whole value.
"""

from __future__ import annotations

import json
import re
from typing import Any

from targets.alternative.refusal import Refusal

__all__ = [
    "ID_SHAPE",
    "MAX_BODY",
    "body_object",
    "check_digit_ok",
    "hex_bytes",
    "integer",
    "national_id_shape",
    "optional_text",
    "round_id_or_none",
    "text",
]

MAX_BODY = 1024 * 1024
ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DIGITS = re.compile(r"[0-9]{10}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


def _bad(message: str) -> Refusal:
    return Refusal(422, "invalid_request", message)


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def body_object(raw: bytes, *, empty_means: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``empty_means`` when that is allowed."""
    if not raw.strip() and empty_means is not None:
        return dict(empty_means)
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad("The request body must be a JSON object in UTF-8.") from None
    if not isinstance(value, dict):
        raise _bad("The request body must be a JSON object.")
    return value


def integer(body: dict[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if type(value) is not int or not low <= value <= high:
        raise _bad(f"'{name}' must be a whole number from {low} to {high}.")
    return value


def _sound(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(body: dict[str, Any], name: str, longest: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= longest or not _sound(value):
        raise _bad(f"'{name}' must be text of 1 to {longest} characters.")
    return value


def optional_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or not _sound(value):
        raise _bad(f"'{name}' must be text when given.")
    return value


def hex_bytes(value: object, name: str, *, exact: int | None = None, most: int = 0) -> bytes:
    """Hex in either case: exactly ``exact`` bytes, or 0 to ``most`` bytes."""
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise _bad(f"'{name}' must be hexadecimal, two digits per byte.")
    size = len(value) // 2
    if (exact is not None and size != exact) or (exact is None and size > most):
        wanted = f"exactly {exact}" if exact is not None else f"at most {most}"
        raise _bad(f"'{name}' must be {wanted} bytes.")
    return bytes.fromhex(value)


def national_id_shape(body: dict[str, Any]) -> str:
    value = body.get("national_id")
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise _bad("'national_id' must be exactly ten digits 0-9.")
    return value


def check_digit_ok(national_id: str) -> bool:
    """The ASTI-1 rule: weights 10..2 over d0..d8, remainder r, d9 = r if r < 2 else 11 - r."""
    digits = [ord(c) - 48 for c in national_id]
    if len(set(digits)) == 1:
        return False
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return digits[9] == (remainder if remainder < 2 else 11 - remainder)


def round_id_or_none(value: object) -> str | None:
    """A well-formed round id, or None (a malformed one names no round)."""
    if isinstance(value, str) and ID_SHAPE.fullmatch(value):
        return value
    return None
