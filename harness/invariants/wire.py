"""Every HTTP exchange of an example, sent through the target adapter and kept as evidence.

The invariant suite judges a system only by what it answered, so each request and its answer are
recorded in the example's ``Trace``: that list is what a failing example reports (shrunk), what
the curl replay is rendered from, and how many requests a run needed.

The contract lets a system shed load (503 with Retry-After) and drop a slow client (408 or a
closed connection); both are counted, never judged. What such a request did is unknown, so only
what is safe to repeat is sent again (after Retry-After, capped): reads, and deposits, which a
client retries with the same Idempotency-Key (the deposit judgement then accepts the original's
replay as well as a first payment). Any other write, a 503/408 that persists, no answer at all,
or a 5xx of another kind interrupts the example (``Interrupted``), with its evidence; the engine
counts it, and the requirement that request belongs to is INCONCLUSIVE unless something fails it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from harness.errors import TargetError

__all__ = ["Call", "Exchange", "Interrupted", "Reply", "Trace", "Transport", "Wire"]

_BODY_CHARS = 4000
_TRANSIENT = (503, 408)


class Transport(Protocol):
    """The part of ``harness.target.HttpTarget`` the suite uses."""

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = ...,
        json: Any = ...,
        headers: dict[str, str] | None = ...,
    ) -> Any: ...


@dataclass(frozen=True)
class Call:
    """One request to send: ``token`` is the raw secret (redacted when recorded)."""

    method: str
    path: str
    token: str | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """What came back: status, headers and body (``data`` is the parsed JSON, or None)."""

    status: int | None
    headers: Mapping[str, str]
    content: bytes
    data: Any
    is_json: bool
    error: str | None = None
    index: int = 0  # the exchange's number in the example's trace
    after_transient: bool = False  # sent again after a 503/408 whose effect is unknown

    def code(self) -> str | None:
        """The contract's error code, when the body is an error object."""
        if self.is_json and isinstance(self.data, dict):
            code = self.data.get("error")
            return code if isinstance(code, str) else None
        return None

    def outcome(self) -> tuple[int | None, str | None]:
        """(status, error code) as a decision order names it (code None on success)."""
        failed = self.status is not None and self.status >= 400
        return self.status, (self.code() if failed else None)


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as sent (tokens are redacted by ``Trace.evidence``)."""

    index: int
    step: str
    call: Call
    reply: Reply
    group: int | None
    elapsed_ms: float


class Interrupted(Exception):
    """The target did not give an answer the example can judge (transient or server error)."""

    def __init__(self, reason: str, requirement: str, exchange: Exchange) -> None:
        super().__init__(f"{reason}: {exchange.call.method} {exchange.call.path}")
        self.reason = reason
        self.requirement = requirement
        self.exchange = exchange


@dataclass
class Trace:
    """The exchanges of one example, in the order they were sent."""

    exchanges: list[Exchange] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # raw token -> label
    operator_token: str | None = None

    def label_token(self, token: str, label: str, *, guess: bool = False) -> None:
        """Name ``token`` in the evidence; a guessed name never replaces a given one."""
        if not guess or token not in self.tokens:
            self.tokens[token] = label

    def redact(self, text: str) -> str:
        if self.operator_token:
            text = text.replace(self.operator_token, "<operator-token>")
        for token, label in self.tokens.items():
            text = text.replace(token, f"<token {label}>")
        return text

    def evidence(self) -> list[dict[str, Any]]:
        """The exchanges as JSON-ready dicts, every token replaced by its label."""
        rows = [_exchange_dict(x) for x in self.exchanges]
        return list(json.loads(self.redact(json.dumps(rows, ensure_ascii=False))))


def _exchange_dict(x: Exchange) -> dict[str, Any]:
    headers = dict(x.call.headers)
    if x.call.token is not None:
        headers["Authorization"] = f"Bearer {x.call.token}"
    body: Any = x.reply.data if x.reply.is_json else x.reply.content.decode("utf-8", "replace")
    if isinstance(body, str) and len(body) > _BODY_CHARS:
        body = body[:_BODY_CHARS] + f"... ({len(x.reply.content)} bytes)"
    row: dict[str, Any] = {
        "n": x.index, "step": x.step, "method": x.call.method, "path": x.call.path,
        "headers": headers, "body": x.call.body, "status": x.reply.status, "response": body,
        "elapsed_ms": round(x.elapsed_ms, 1),
    }
    kept = {k: v for k, v in x.reply.headers.items() if k in ("content-type", "retry-after")}
    if kept:
        row["response_headers"] = kept
    if x.group is not None:
        row["sent_together"] = x.group
    if x.reply.error:
        row["error"] = x.reply.error
    return row


class Wire:
    """Sends an example's requests, records them, and keeps the run's request counters."""

    def __init__(
        self,
        target: Transport,
        *,
        retries: int,
        retry_after_cap: float,
        clones: Callable[[], Transport] | None = None,
    ) -> None:
        self._target = target
        self._retries = retries
        self._cap = retry_after_cap
        self._clones = clones
        self._spare: list[Transport] = []
        self._lock = threading.Lock()
        self.trace = Trace()
        self.counts: Counter[str] = Counter()
        self._groups = 0

    def new_trace(self, operator_token: str | None) -> Trace:
        self.trace = Trace(operator_token=operator_token)
        return self.trace

    def send(self, step: str, call: Call, requirement: str, *, repeatable: bool = False
             ) -> Reply:
        """Send ``call``; a read, or a ``repeatable`` write, is sent again after a 503/408
        (the reply then says ``after_transient``); anything unjudgeable interrupts."""
        retries = self._retries if repeatable or call.method == "GET" else 0
        for attempt in range(retries + 1):
            exchange = self._exchange(self._target, step, call, None)
            if _transient(exchange.reply) and attempt < retries:
                time.sleep(self._pause(exchange.reply, attempt))
                continue
            reply = self._judgeable(exchange, requirement)
            return replace(reply, after_transient=attempt > 0)
        raise AssertionError("unreachable")

    def send_together(
        self, step: str, calls: Sequence[tuple[Call, str]]
    ) -> list[Reply]:
        """Send the calls at the same moment (one thread each, released by one barrier)."""
        with self._lock:
            self._groups += 1
            group = self._groups
        transports = self._borrow(len(calls))
        barrier = threading.Barrier(len(calls))

        def fire(i: int) -> Exchange:
            barrier.wait(timeout=30)
            return self._exchange(transports[i], step, calls[i][0], group)

        try:
            with ThreadPoolExecutor(len(calls)) as pool:
                exchanges = list(pool.map(fire, range(len(calls))))
        finally:
            self._spare.extend(transports)
        return [self._judgeable(x, req) for x, (_, req) in zip(exchanges, calls, strict=True)]

    def _borrow(self, count: int) -> list[Transport]:
        while len(self._spare) < count:
            self._spare.append(self._clones() if self._clones else self._target)
        taken, self._spare = self._spare[:count], self._spare[count:]
        return taken

    def _pause(self, reply: Reply, attempt: int) -> float:
        try:
            wait = float(reply.headers.get("retry-after", ""))
        except ValueError:
            wait = 0.1 * 2**attempt
        return max(0.0, min(wait, self._cap))

    def _judgeable(self, exchange: Exchange, requirement: str) -> Reply:
        reply = exchange.reply
        if reply.status is None:
            self._count("no_answer")
            raise Interrupted("no_answer", requirement, exchange)
        if _transient(reply):
            raise Interrupted(f"transient_{reply.status}", requirement, exchange)
        if reply.status >= 500:
            self._count("server_error")
            raise Interrupted("server_error", requirement, exchange)
        return reply

    def _count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def _exchange(self, transport: Transport, step: str, call: Call, group: int | None) -> Exchange:
        started = time.monotonic()
        reply = _send(transport, call)
        elapsed = (time.monotonic() - started) * 1000
        self._count("requests")
        if reply.status in _TRANSIENT:
            self._count(f"status_{reply.status}")
        with self._lock:
            reply = replace(reply, index=len(self.trace.exchanges) + 1)
            exchange = Exchange(reply.index, step, call, reply, group, elapsed)
            self.trace.exchanges.append(exchange)
            issued = reply.data.get("token") if isinstance(reply.data, dict) else None
            if isinstance(issued, str) and issued:  # redacted even if the model refuses it
                self.trace.label_token(issued, f"issued in answer {reply.index}", guess=True)
        return exchange


def _transient(reply: Reply) -> bool:
    return reply.status in _TRANSIENT


def _send(transport: Transport, call: Call) -> Reply:
    try:
        response = transport.request(
            call.method, call.path, token=call.token, json=call.body,
            headers=dict(call.headers) or None,
        )
    except TargetError as exc:
        return Reply(None, {}, b"", None, False, error=str(exc)[:300])
    content = bytes(response.content)
    headers = {k.lower(): v for k, v in response.headers.items()}
    try:
        data, is_json = json.loads(content.decode("utf-8")), True
    except (UnicodeDecodeError, ValueError):
        data, is_json = None, False
    return Reply(int(response.status_code), headers, content, data, is_json)
