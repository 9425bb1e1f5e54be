"""Reading one profile section into its dataclass, refusing unknown keys and bad values by name.

A suite declares its section as a frozen dataclass; ``setting(..., low=, high=)`` attaches the
allowed range to a field. ``build_section`` checks every key and value against the field's type
and range and names the key, the nearest valid key or the allowed range in a ``UsageError``.
Nested dataclasses are nested mappings.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args, get_origin, get_type_hints

from harness.errors import UsageError

__all__ = ["build_section", "nearest", "setting", "unknown_key"]

_NO_DEFAULT: Any = dataclasses.MISSING


def setting(
    default: Any = _NO_DEFAULT, *, low: float | None = None, high: float | None = None
) -> Any:
    """A dataclass field with an allowed closed range [low, high] (either end may be open)."""
    metadata = {"range": (low, high)}
    if default is _NO_DEFAULT:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The valid name closest to a mistyped one, if any is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key(path: str, key: str, valid: Iterable[str], note: str = "") -> UsageError:
    """The one-line error for an unknown key, suggesting the nearest valid one."""
    choices = sorted(valid)
    where = f"{path}.{key}" if path else key
    guess = nearest(str(key), choices)
    hint = f"did you mean {guess!r}?" if guess else f"valid keys: {', '.join(choices)}"
    return UsageError(f"profile: unknown key {where!r}{note} ({hint})")


def build_section(cls: type, data: Any, path: str) -> Any:
    """An instance of dataclass ``cls`` from the mapping ``data`` found at ``path``."""
    if not isinstance(data, Mapping):
        raise UsageError(f"profile: {path!r} must be a mapping of keys to values")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    hints = get_type_hints(cls)
    for key in data:
        if key not in fields:
            raise unknown_key(path, str(key), fields)
    values = {}
    for name, spec in fields.items():
        where = f"{path}.{name}"
        if name in data:
            values[name] = _convert(data[name], hints[name], where, spec.metadata.get("range"))
        elif spec.default is _NO_DEFAULT and spec.default_factory is _NO_DEFAULT:
            raise UsageError(f"profile: {where!r} is missing")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"profile: {path!r}: {exc}") from None


def _bad(where: str, value: Any, expected: str) -> UsageError:
    return UsageError(f"profile: {where!r} must be {expected}, got {value!r}")


def _range_text(bounds: tuple[float | None, float | None] | None) -> str:
    low, high = bounds or (None, None)
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    return f" of at most {high}" if high is not None else ""


def _number(value: Any, hint: type, where: str, bounds: Any) -> float | int:
    kind = "a whole number" if hint is int else "a number"
    ok = isinstance(value, int) if hint is int else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or not math.isfinite(value):
        raise _bad(where, value, kind + _range_text(bounds))
    number = int(value) if hint is int else float(value)
    low, high = bounds or (None, None)
    if (low is not None and number < low) or (high is not None and number > high):
        raise UsageError(
            f"profile: {where!r} is {value!r}, out of range: allowed {kind}{_range_text(bounds)}"
        )
    return number


def _convert(value: Any, hint: Any, where: str, bounds: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _convert(value, inner, where, bounds)
    if dataclasses.is_dataclass(hint):
        return build_section(typing.cast(type, hint), value, where)
    if hint in (int, float):
        return _number(value, hint, where, bounds)
    if hint is bool:
        if not isinstance(value, bool):
            raise _bad(where, value, "true or false")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise _bad(where, value, "a string")
        return value
    if origin is Literal:
        if value not in args:
            raise _bad(where, value, "one of " + ", ".join(repr(a) for a in args))
        return value
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise _bad(where, value, "a list")
        inner = args[0] if args else Any
        items = [_convert(v, inner, f"{where}[{i}]", bounds) for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if hint is Any:
        return value
    raise TypeError(f"{where}: profile fields of type {hint!r} are not supported")
