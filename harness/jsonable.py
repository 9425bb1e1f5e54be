"""Turning results into JSON: one conversion for every file the harness writes.

Evidence holds numpy scalars and arrays, tuples, enums and dataclasses; ``jsonable`` maps them to
plain JSON values (non-finite floats become null, since JSON has no NaN) and ``dumps`` writes
them with sorted keys so the same run gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["dumps", "jsonable"]


def jsonable(value: Any) -> Any:
    """A plain JSON value (dict, list, str, number, bool, None) with the content of ``value``."""
    if value is None or isinstance(value, bool | str | int):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [jsonable(item) for item in items]
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text with sorted keys and no NaN, ending in a newline; compact unless ``indent``
    is given (evidence holds long lists of numbers, one line each when indented)."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(jsonable(value), sort_keys=True, indent=indent, allow_nan=False,
                      separators=separators)
    return text + "\n"
