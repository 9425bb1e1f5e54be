"""A scripted transport: answers chosen by the test, no server (for the wire and the model)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetTimeout
from harness.invariants.example import Example, RunIds
from harness.invariants.wire import Interrupted, Wire

Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]] | None  # None: no answer at all


@dataclass
class FakeResponse:
    status_code: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Scripted:
    """``answer(method, path, body, headers)`` decides each reply; every call is kept."""

    def __init__(self, answer: Callable[[str, str, Any, dict[str, str]], Answer]) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str, Any]] = []
        self.lock = threading.Lock()

    def clone(self) -> Scripted:
        return self

    def request(self, method: str, path: str, *, token: str | None = None, json: Any = None,
                headers: dict[str, str] | None = None) -> FakeResponse:
        with self.lock:
            self.calls.append((method, path, json))
        answer = self.answer(method, path, json, dict(headers or {}, token=token or ""))
        if answer is None:
            raise TargetTimeout(f"{method} {path}: no answer within the deadline")
        status, body, *extra = answer
        content = body if isinstance(body, bytes) else _json(body)
        return FakeResponse(status, content, {"Content-Type": "application/json",
                                              **(extra[0] if extra else {})})


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


def example(transport: Scripted, operator: str = "op-token") -> tuple[Example, list[Any]]:
    """An example over ``transport``; the list collects what it reports (violations, stops)."""
    seen: list[Any] = []
    wire = Wire(transport, retries=2, retry_after_cap=0.01, clones=transport.clone)
    ids = RunIds(lambda purpose: f"lab-test-{purpose}", 1000, 20)

    def broken(_: Example, violation: Any) -> None:
        seen.append(violation)

    def interrupted(_: Example, exc: Interrupted) -> None:
        seen.append(exc)

    return Example(wire, operator, ids, "lifecycle", Counter(), broken, interrupted), seen
