"""Reading the contract's objects out of answers without trusting them.

A system may add fields and order them as it likes, so these helpers look only at the fields the
contract names; a missing or mistyped field is a ``Violation`` of the requirement the caller is
judging, never a KeyError.
"""

from __future__ import annotations

import re
from typing import Any

from harness.invariants.model import Expect
from harness.invariants.violations import Violation
from harness.invariants.wire import Reply

__all__ = ["HEX64", "ID", "field_problem", "fields_problem", "object_of", "outcome_violation"]

ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
HEX64 = re.compile(r"[0-9a-f]{64}")


def outcome_violation(
    requirement: str, what: str, reply: Reply, allowed: list[Expect]
) -> Violation | None:
    """None when the answer's status and error code are one of ``allowed``."""
    status, code = reply.outcome()
    for expect in allowed:
        if status == expect.status and (expect.code is None or code == expect.code):
            return None
    wanted = " or ".join(str(e) for e in allowed)
    got = f"{status} {code}" if code else str(status)
    return Violation.of(requirement, "invariants.unexpected_answer",
                        "{what}: the contract requires {expected}, the system answered {observed}",
                        reply.index, what=what, expected=wanted, observed=got)


def object_of(reply: Reply, requirement: str, what: str) -> dict[str, Any] | Violation:
    if reply.is_json and isinstance(reply.data, dict):
        return reply.data
    return Violation.of(requirement, "invariants.not_an_object",
                        "{what}: the answer is not a JSON object", reply.index, what=what)


def field_problem(body: dict[str, Any], name: str, kind: str) -> str | None:
    """Why ``body[name]`` is not of ``kind`` (str, id, hex64, int, bool, list, str_or_null...)."""
    if name not in body:
        return f"lacks {name!r}"
    value = body[name]
    ok = {
        "str": isinstance(value, str),
        "id": isinstance(value, str) and ID.fullmatch(value) is not None,
        "hex64": isinstance(value, str) and HEX64.fullmatch(value) is not None,
        "int": isinstance(value, int) and not isinstance(value, bool),
        "int_or_null": value is None or (isinstance(value, int) and not isinstance(value, bool)),
        "bool": isinstance(value, bool),
        "ids": isinstance(value, list) and all(
            isinstance(v, str) and ID.fullmatch(v) for v in value),
        "list": isinstance(value, list),
        "object_or_null": value is None or isinstance(value, dict),
    }[kind]
    return None if ok else f"has {name!r} = {str(value)[:80]!r}, not {kind.replace('_', ' ')}"


def fields_problem(body: dict[str, Any], spec: dict[str, str]) -> str | None:
    for name, kind in spec.items():
        problem = field_problem(body, name, kind)
        if problem:
            return problem
    return None
