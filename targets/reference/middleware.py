"""ASGI middleware for what every request shares: body limits, security headers, no leaks.

It sits outside the framework's own error handling, so even a crash inside the framework
becomes a contract-shaped 500 carrying the security headers, with the details only in the log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

__all__ = [
    "RETRY_AFTER_SECONDS",
    "SMALL_BODY_BYTES",
    "App",
    "ContractMiddleware",
    "Receive",
    "Scope",
    "Send",
    "send_error",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_log = logging.getLogger("targets.reference")
# ASTI-1: /me, deposits, the ledger and the audit log must never be stored by a cache.
_NO_STORE = re.compile(r"^/v1/rounds/[^/]+/(me|deposits|deposits/close|audit)/?$")
_SET_BY_US = (b"x-content-type-options", b"cache-control")
# Every ASTI-1 request body but a lab draw's seed list is far smaller than this.
SMALL_BODY_BYTES = 64 * 1024
# What a shed request is told to wait: load sheds within seconds, as bodies finish or time out.
RETRY_AFTER_SECONDS = 1


class _Refused(Exception):
    """The request ends with this error before it reaches the app; the connection is closed."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


class ContractMiddleware:
    """Enforces the body limits, adds headers, catches crashes.

    Body limits: 1 MiB per request (declared or streamed, 413); the whole body within
    ``body_timeout`` seconds of the headers (408); and at most ``body_budget`` bytes of request
    bodies held across all requests at once (503 with Retry-After), of which bodies over
    ``SMALL_BODY_BYTES`` may take only three quarters, so large stalled uploads cannot starve the
    small requests (registrations, deposits) that make up the contract's traffic. A request that
    is refused before its body was read has its connection closed, so the rest is never read.
    """

    def __init__(
        self, app: App, max_body_bytes: int, body_timeout: float, body_budget: int
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.body_budget = body_budget
        self.held = 0  # bytes of request bodies buffered now; only the event loop touches it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        extra = [(b"x-content-type-options", b"nosniff")]
        if _NO_STORE.match(scope.get("path", "")):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [h for h in message.get("headers", []) if h[0].lower() not in _SET_BY_US]
                message["headers"] = kept + extra
            await send(message)

        charged = [0]
        try:
            body = await self._read_body(scope, receive, charged)
            if body is not None:  # None: the client left mid-body; there is no one to answer
                await self.app(scope, _replay(body, receive), send_with_headers)
        except _Refused as refused:
            await send_error(send_with_headers, refused.status, refused.code, refused.message,
                             close=True, retry_after=refused.retry_after)
        except Exception:
            _log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await send_error(send_with_headers, 500, "internal_error",
                                 "the server failed to process the request")
        finally:
            self.held -= charged[0]

    async def _read_body(self, scope: Scope, receive: Receive, charged: list[int]) -> bytes | None:
        """The whole body, or None when the client disconnects first; ``charged`` counts the
        bytes taken from the budget, for the caller to give back when the request ends."""
        declared = _content_length(scope)
        if declared is not None and not 0 <= declared <= self.max_body_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return None
                    chunk = message.get("body", b"")
                    size = charged[0] + len(chunk)
                    if size > self.max_body_bytes:  # a chunked body is counted as it streams
                        raise self._too_large()
                    self._charge(len(chunk), declared if declared is not None else size)
                    charged[0] = size
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            text = f"the request body did not arrive within {self.body_timeout:g} s"
            raise _Refused(408, "request_timeout", text) from None

    def _charge(self, size: int, body_size: int) -> None:
        limit = self.body_budget
        if body_size > SMALL_BODY_BYTES:
            limit -= self.body_budget // 4
        if self.held + size > limit:
            raise _Refused(503, "unavailable", "the server is receiving too many requests",
                           retry_after=RETRY_AFTER_SECONDS)
        self.held += size

    def _too_large(self) -> _Refused:
        return _Refused(413, "payload_too_large",
                        f"request bodies are limited to {self.max_body_bytes} bytes")


def _content_length(scope: Scope) -> int | None:
    """The declared length, None when there is none, -1 when it is not a number (h11 rejects
    that with a 400 before it gets here; other servers may not)."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body over once, then defers to the real one."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def send_error(
    send: Send, status: int, code: str, message: str, *, close: bool = False,
    retry_after: int | None = None,
) -> None:
    """A complete contract-shaped error response (nosniff included, for senders outside the
    middleware); ``close`` ends the connection after it."""
    payload = json.dumps({"error": code, "message": message}).encode("utf-8")
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(payload)).encode("ascii")),
               (b"x-content-type-options", b"nosniff")]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode("ascii")))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
