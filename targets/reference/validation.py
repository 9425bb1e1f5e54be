"""Request-body parsing with the contract's types; every failure is 422 ``invalid_request``.

Bodies are parsed by hand rather than by a framework model because the contract orders its
decisions (e.g. 404 and 409 before 422 on operator endpoints), so a body is validated only when
the decision order reaches it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from targets.reference.errors import bad_request

__all__ = [
    "ID_PATTERN",
    "is_id",
    "optional_hex",
    "optional_text",
    "parse_object",
    "require_hex",
    "require_int",
    "require_list",
    "require_text",
]

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def is_id(value: object) -> bool:
    """``round_id`` and applicant ids: ``[A-Za-z0-9_-]{1,64}``."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def parse_object(raw: bytes, *, empty_is_object: bool = False) -> dict[str, Any]:
    """The body as a JSON object; malformed JSON, deep nesting or huge numbers are 422.

    Strict: the body must be UTF-8 (RFC 8259 section 8.1) and NaN or Infinity, which Python's
    parser would accept, are not JSON.
    """
    if empty_is_object and not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        raise bad_request("the request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise bad_request("the request body must be a JSON object")
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def require_int(body: dict[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    # bool is an int in Python but not in JSON; 5.0 is a JSON number but not an integer.
    if type(value) is not int or not low <= value <= high:
        raise bad_request(f"{name} must be an integer from {low} to {high}")
    return value


def _is_clean_text(value: str) -> bool:
    """No NUL (PostgreSQL text cannot hold it) and no lone surrogates (not encodable as UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_text(body: dict[str, Any], name: str, low: int, high: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not low <= len(value) <= high or not _is_clean_text(value):
        raise bad_request(f"{name} must be a string of {low} to {high} characters")
    return value


def optional_text(body: dict[str, Any], name: str, high: int) -> str:
    """A string field that may be absent or null (then empty)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > high or not _is_clean_text(value):
        raise bad_request(f"{name} must be a string of at most {high} characters")
    return value


def _hex_bytes(value: object, name: str, low: int, high: int) -> bytes:
    if not isinstance(value, str) or _HEX.fullmatch(value) is None:
        raise bad_request(f"{name} must be hexadecimal text with an even number of digits")
    data = bytes.fromhex(value)
    if not low <= len(data) <= high:
        raise bad_request(f"{name} must encode {low} to {high} bytes")
    return data


def optional_hex(body: dict[str, Any], name: str, high: int) -> bytes:
    """Hex of 0..``high`` bytes; absent or null means empty."""
    value = body.get(name)
    return b"" if value is None else _hex_bytes(value, name, 0, high)


def require_hex(value: object, name: str, length: int) -> bytes:
    return _hex_bytes(value, name, length, length)


def require_list(body: dict[str, Any], name: str, low: int, high: int) -> list[Any]:
    value = body.get(name)
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise bad_request(f"{name} must be a list of {low} to {high} items")
    return value
