"""Serving the application with waitress, and the contract's shape for waitress's own errors.

waitress reads each request completely (headers and body) on its event loop before a worker
thread sees it, so a slow or stalled client never occupies a worker. Two bounds drop such a client:
a connection idle for ``idle_timeout`` seconds is closed (waitress's ``channel_timeout``), and a
request that has started but is not complete after ``request_timeout`` seconds is closed too, so
trickling one byte at a time does not keep it open forever. Requests too malformed to reach the
application, or with a body far beyond the limit, get a JSON error instead of waitress's text page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask

__all__ = ["Limits", "make_server"]

# waitress buffers a body up to this size so the application can refuse it with a clean 413 and
# keep the connection; anything larger is cut off by waitress itself (413, connection closed).
_BUFFERED_BODY = 4 * 1024 * 1024


class Limits:
    def __init__(self, threads: int, request_timeout: float, idle_timeout: int) -> None:
        self.threads = threads
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout


class _TimedParser(HTTPRequestParser):
    """Remembers when the first byte of the request arrived."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.began = time.monotonic()


class _ContractError(ErrorTask):
    def execute(self) -> None:
        code = getattr(self.request.error, "code", 400)
        if code == 413:
            status, error = "413 Content Too Large", "payload_too_large"
            message = "Request bodies are limited to 1 MiB."
        elif code >= 500:
            status, error = "500 Internal Server Error", "internal_error"
            message = "The system could not answer this request."
        else:
            status, error = "400 Bad Request", "invalid_request"
            message = "The request is not well-formed HTTP/1.1."
        body = json.dumps({"error": error, "message": message}).encode("utf-8")
        self.status = status
        self.response_headers.extend([
            ("Content-Type", "application/json"),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _channel_class(request_timeout: float) -> type[HTTPChannel]:
    class Channel(HTTPChannel):
        error_task_class = _ContractError
        parser_class = _TimedParser

        def writable(self) -> bool:
            # Called by the event loop at least once a second for every open connection.
            pending = self.request
            if pending is not None and not pending.completed:
                if time.monotonic() - pending.began > request_timeout:
                    self.will_close = True
            return bool(super().writable())

    return Channel


def make_server(
    app: Callable[..., Iterable[bytes]], host: str, port: int, limits: Limits
) -> Any:
    """A waitress server bound to host:port, not yet running (call ``run()``)."""
    server = create_server(
        app,
        host=host,
        port=port,
        threads=limits.threads,
        ident="",  # no Server header: no framework banner
        channel_timeout=limits.idle_timeout,
        cleanup_interval=1,
        max_request_body_size=_BUFFERED_BODY,
        connection_limit=1000,
        backlog=2048,
        asyncore_use_poll=True,  # select() fails beyond 1024 descriptors
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
    )
    channel = _channel_class(limits.request_timeout)
    servers = server.map.values() if isinstance(server, MultiSocketServer) else [server]
    for each in servers:
        if isinstance(each, BaseWSGIServer):
            each.channel_class = channel
    return server
