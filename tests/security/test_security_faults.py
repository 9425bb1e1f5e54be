"""A target that answers garbage or too slowly leaves each requirement INCONCLUSIVE with the
reason, within bounded time; never a traceback and never a PASS."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _securitykit import small_profile

from harness.events import RecordingSink
from harness.profiles import load_profile
from harness.security.suite import run_security
from harness.seeds import RunSeed
from harness.suites import SuiteTarget
from harness.verdict import Verdict


def _server(delay: float) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            time.sleep(delay)
            body = b"<html>garbage</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = _answer

        def log_message(self, *_: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, *_: object) -> None:
            pass  # the client gave up on a slow answer: expected here

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def garbage() -> Iterator[str]:
    yield from _server(0.0)


@pytest.fixture
def slow() -> Iterator[str]:
    yield from _server(2.0)


def _run(url: str, tmp_path: Path, deadline: float) -> dict[str, Verdict]:
    profile = load_profile(small_profile(tmp_path, deadline=deadline))
    target = SuiteTarget("test", url, "operator-token-for-test")
    result = run_security(target, profile, RunSeed(bytes(32)), RecordingSink())
    return {r.id: r.verdict for r in result.requirements}


def test_garbage_answers_give_inconclusive(garbage: str, tmp_path: Path) -> None:
    found = _run(garbage, tmp_path, 5.0)
    assert found.pop("S-09") is Verdict.NOT_APPLICABLE  # no source tree given
    assert set(found.values()) == {Verdict.INCONCLUSIVE}, found


def test_slow_answers_give_inconclusive_within_bounds(slow: str, tmp_path: Path) -> None:
    began = time.monotonic()
    found = _run(slow, tmp_path, 0.5)
    assert time.monotonic() - began < 60
    assert found.pop("S-09") is Verdict.NOT_APPLICABLE
    assert set(found.values()) == {Verdict.INCONCLUSIVE}, found
