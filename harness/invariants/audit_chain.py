"""Recomputing a round's audit hash chain (ASTI-1 section 4, "Audit") from its published entries.

``hash = SHA-256(prev_hash || canonical JSON of {seq, at, event, data})`` with ``prev_hash`` as its
64 lowercase hex characters and 64 ``0`` for the first entry; canonical JSON is RFC 8785 (keys
sorted by UTF-16 code units, no whitespace, UTF-8, ECMAScript number formatting).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = ["canonical_json", "chain_problem", "lifecycle_events"]

_ZERO = "0" * 64
# The events a round's chain must hold once each, in this order, once the round reached the state.
_LIFECYCLE = (("round_created", "registration"), ("closed", "closed"),
              ("committed", "committed"), ("drawn", "drawn"), ("promotion", "promotion"),
              ("final", "final"))
_STATES = ("registration", "closed", "committed", "drawn", "promotion", "final")


def _number(value: float) -> str:
    """ECMAScript's Number::toString, which RFC 8785 prescribes, from Python's shortest repr."""
    if not math.isfinite(value):
        raise ValueError("RFC 8785 has no NaN or infinity")
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _number(-value)
    _, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), int(exponent) + len(digits)  # value = 0.digits * 10**n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    sign = "+" if n - 1 >= 0 else "-"
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{sign}{abs(n - 1)}"


def canonical_json(value: Any) -> str:
    """RFC 8785 text of a JSON value made of dicts, lists, strings, numbers, booleans and null."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(f"{canonical_json(k)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def chain_problem(entries: Any, round_id: str) -> str | None:
    """The first reason the chain does not verify, or None when every link recomputes."""
    if not isinstance(entries, list) or not entries:
        return "the audit log has no entries"
    prev = _ZERO
    for seq, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            return f"entry {seq} is not an object"
        missing = [k for k in ("seq", "at", "event", "data", "prev_hash", "hash") if k not in entry]
        if missing:
            return f"entry {seq} lacks {', '.join(missing)}"
        if entry["seq"] != seq or isinstance(entry["seq"], bool):
            return f"entry {seq} has seq {entry['seq']!r}"
        if entry["prev_hash"] != prev:
            return f"entry {seq}: prev_hash is not the previous entry's hash"
        data = entry["data"]
        if not isinstance(data, dict) or data.get("round_id") != round_id:
            return f"entry {seq}: data does not hold this round's round_id"
        body = {k: entry[k] for k in ("seq", "at", "event", "data")}
        try:
            text = canonical_json(body)
        except (TypeError, ValueError) as exc:
            return f"entry {seq}: not canonicalisable ({exc})"
        prev = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        if entry["hash"] != prev:
            return f"entry {seq}: hash does not recompute"
    return None


def lifecycle_events(entries: Sequence[dict[str, Any]], state: str, deposits: int) -> str | None:
    """Whether the chain records what the harness saw happen: each transition the round made,
    once and in order, and one ``deposit`` entry per deposit recorded."""
    reached = _STATES.index(state)
    events = [e.get("event") for e in entries]
    wanted = [event for event, at in _LIFECYCLE if _STATES.index(at) <= reached]
    present = [e for e in events if e in dict(_LIFECYCLE)]
    if present != wanted:
        return f"transition events are {present}, the round went through {wanted}"
    if events.count("deposit") != deposits:
        return f"{events.count('deposit')} deposit entries for {deposits} deposits recorded"
    return None
