"""The HTTP/1.1 protocol under the app: uvicorn's h11 protocol with the contract's answers.

A request too malformed to reach the application (a broken request line, a header without a
colon, a non-numeric Content-Length, a head over h11's size limit) is answered by the server
itself. uvicorn's own answer is a plain-text 400 without the security headers; ASTI-1 wants every
response to carry ``X-Content-Type-Options: nosniff`` and every error to be ``{"error",
"message"}``. The same holds for the 503 of the connection cap, which this protocol enforces in
place of uvicorn's ``limit_concurrency``.

It also bounds how long a client may take to send its request head: uvicorn has no such deadline,
so a client that opens a connection, or starts a request, and then sends nothing more held the
connection for ever (slowloris). The body's own deadline is the middleware's.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from targets.reference.middleware import (
    RETRY_AFTER_SECONDS,
    App,
    Receive,
    Scope,
    Send,
    send_error,
)

__all__ = ["ContractH11Protocol"]

_BODY = json.dumps({"error": "invalid_request", "message": "the HTTP request is malformed"}).encode(
    "ascii"
)


class ContractH11Protocol(H11Protocol):
    """One connection. ``configured`` gives a subclass with the deadline and the cap set."""

    header_timeout: float = 10.0
    max_connections: int | None = None

    @classmethod
    def configured(cls, header_timeout: float, max_connections: int) -> type[ContractH11Protocol]:
        attributes = {"header_timeout": header_timeout, "max_connections": max_connections}
        return type("ConfiguredContractH11Protocol", (cls,), attributes)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_concurrency = None  # the cap is enforced by ``_capped`` instead
        self.app = self._capped(self.app)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_head(opened=True)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def _watch_head(self, *, opened: bool = False) -> None:
        """Run the head deadline while a request head is due: from the connection's opening or,
        between requests, from the first byte of the next one (idle time between requests is
        uvicorn's keep-alive timeout)."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if not waiting:
            self._stop_head_deadline()
        elif self._head_deadline is None and (opened or self.conn.trailing_data[0]):
            self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.abort()  # no request to answer yet: the connection is simply dropped

    def _capped(self, app: App) -> App:
        async def capped(scope: Scope, receive: Receive, send: Send) -> None:
            if self.max_connections is not None and len(self.connections) > self.max_connections:
                await send_error(
                    send, 503, "unavailable", "the server has too many open connections",
                    close=True, retry_after=RETRY_AFTER_SECONDS,
                )
                return
            await app(scope, receive, send)

        return capped

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(_BODY)).encode("ascii")),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=_BODY),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()
