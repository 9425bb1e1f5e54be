"""ASGI middleware for what every response shares: size limit, security headers, no leaks.

It sits outside the framework's own error handling, so even a crash inside the framework
becomes a contract-shaped 500 carrying the security headers, with the details only in the log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ContractMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_log = logging.getLogger("targets.reference")
# ASTI-1: /me, deposits, the ledger and the audit log must never be stored by a cache.
_NO_STORE = re.compile(r"^/v1/rounds/[^/]+/(me|deposits|deposits/close|audit)/?$")
_SET_BY_US = (b"x-content-type-options", b"cache-control")


class ContractMiddleware:
    """Enforces the 1 MiB body limit (declared or streamed), adds headers, catches crashes."""

    def __init__(self, app: App, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

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

        try:
            body = await self._read_body(scope, receive)
            if body is None:
                await _error(send_with_headers, 413, "payload_too_large",
                             f"request bodies are limited to {self.max_body_bytes} bytes")
                return
            await self.app(scope, _replay(body, receive), send_with_headers)
        except Exception:
            _log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _error(send_with_headers, 500, "internal_error",
                             "the server failed to process the request")

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to exceed the limit."""
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    if int(value) > self.max_body_bytes:
                        return None
                except ValueError:
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # a chunked body is counted as it streams
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


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


async def _error(send: Send, status: int, code: str, message: str) -> None:
    payload = json.dumps({"error": code, "message": message}).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode("ascii"))],
    })
    await send({"type": "http.response.body", "body": payload})
