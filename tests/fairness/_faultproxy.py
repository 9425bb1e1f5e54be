"""A misbehaving ASTI-1 system for tests: a real reference behind a proxy that injects faults.

``fault_proxy(upstream, rules)`` listens on a loopback port and forwards every request to
``upstream``; the first rule whose method and path pattern match may replace the answer (a 5xx,
malformed JSON, a changed body), delay it beyond the harness's deadline, or drop the connection.
So a fault appears in an otherwise correct system, exactly where a test wants it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

__all__ = ["Answer", "Rule", "fault_proxy"]

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Rule:
    """``change(answer) -> answer | None``: None drops the connection without an answer."""

    method: str
    path: str  # a regular expression matched against the whole path
    change: Callable[[Answer], Answer | None]
    delay: float = 0.0
    when: Callable[[bytes], bool] = lambda body: True  # on the request body
    hits: int = 0


def _handler(upstream: str, rules: list[Rule], log: list[tuple[str, str, bytes]] | None
             ) -> type[BaseHTTPRequestHandler]:
    local = threading.local()

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            return None

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if log is not None:
                log.append((self.command, self.path, body))
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = session.request(self.command, upstream + self.path, headers=headers,
                                     data=body, timeout=120)
            result: Answer | None = (answer.status_code, dict(answer.headers), answer.content)
            for rule in rules:
                if (rule.method == self.command and re.fullmatch(rule.path, self.path)
                        and rule.when(body)):
                    rule.hits += 1
                    time.sleep(rule.delay)
                    result = rule.change(result) if result is not None else None
                    break
            if result is None:
                self.close_connection = True
                self.connection.close()
                return
            status, out_headers, content = result
            self.send_response(status)
            for name, value in out_headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                        "content-encoding", "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = _forward

    return Forward


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return None  # a client that gave up (the slow rules) is expected, not news


@contextmanager
def fault_proxy(upstream: str, rules: list[Rule],
                log: list[tuple[str, str, bytes]] | None = None) -> Iterator[str]:
    """The proxy's base URL for the duration of the block; ``log`` receives every request."""
    server = _QuietServer(("127.0.0.1", 0), _handler(upstream.rstrip("/"), rules, log))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
