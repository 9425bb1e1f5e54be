"""harness.target against tiny misbehaving servers on real sockets.

Each failure must end in the right ``TargetError`` subclass with its evidence, never a hang and
never a raw requests exception. A call runs in a thread joined with a generous bound: without the
adapter's total deadline the slow servers below would hold it for ten minutes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests

from harness.errors import TargetError, TargetProtocolError, TargetTimeout, TargetUnreachable
from harness.target import HttpTarget

DEADLINE = 1.5
HANG_BOUND = 60.0  # far beyond DEADLINE; only a hang would reach it


@contextmanager
def server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server running ``handle(conn)`` on every connection, in its own thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                handle(conn)
            except OSError:
                pass  # the client gave up: expected for the slow servers

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def outcome(call: Callable[[], object]) -> BaseException | None:
    """The exception ``call`` raised (None if it returned), failing the test on a hang."""
    result: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            result.append(None)
        except BaseException as exc:  # noqa: BLE001 (handed to the test)
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_BOUND)
    assert not worker.is_alive(), "the call hung past its deadline"
    return result[0]


def silent(conn: socket.socket) -> None:
    read_request(conn)
    time.sleep(HANG_BOUND * 10)


def trickle_body(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n")
    for _ in range(600):
        conn.sendall(b" ")
        time.sleep(1)


def trickle_headers(conn: socket.socket) -> None:
    read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 600:
        conn.sendall(bytes([byte]))
        time.sleep(1)


def answer(status_line: bytes, body: bytes, extra: bytes = b"") -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 " + status_line + b"\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\nConnection: close\r\n" + extra + b"\r\n" + body
        )

    return handle


def hang_up(conn: socket.socket) -> None:
    read_request(conn)


def garbage(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"this is not HTTP at all\r\n\r\n")


def short_body(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{}")


def expect(error: type[TargetError], handle: Callable[[socket.socket], None],
           call: Callable[[HttpTarget], object] = HttpTarget.health) -> TargetError:
    with server(handle) as url, HttpTarget(url, "token", deadline=DEADLINE) as target:
        caught = outcome(lambda: call(target))
    assert type(caught) is error, repr(caught)
    assert not isinstance(caught, requests.RequestException)
    return caught


@pytest.mark.parametrize(
    "handle", [silent, trickle_body, trickle_headers], ids=["silent", "body", "headers"]
)
def test_a_server_too_slow_for_the_deadline_is_a_timeout(handle) -> None:
    caught = expect(TargetTimeout, handle)
    evidence = caught.evidence()
    assert evidence["method"] == "GET" and evidence["path"] == "/healthz"
    assert evidence["kind"] == "timeout" and evidence["status"] is None


def test_a_timeout_on_one_call_leaves_the_next_one_working() -> None:
    calls = []

    def first_slow(conn: socket.socket) -> None:
        calls.append(1)
        (silent if len(calls) == 1 else answer(b"200 OK", b'{"status": "ok"}'))(conn)

    with server(first_slow) as url, HttpTarget(url, "token", deadline=DEADLINE) as target:
        assert isinstance(outcome(target.health), TargetTimeout)
        assert target.health() == {"status": "ok"}


def test_a_server_error_is_a_protocol_error_with_the_body() -> None:
    caught = expect(TargetProtocolError, answer(b"500 Internal Server Error", b"it broke"))
    assert caught.status == 500 and caught.excerpt == "it broke"


def test_an_answer_that_is_not_json_is_a_protocol_error() -> None:
    caught = expect(TargetProtocolError, answer(b"200 OK", b"<html>hello</html>"))
    assert "not JSON" in str(caught) and caught.status == 200


@pytest.mark.parametrize(
    "handle", [hang_up, garbage, short_body], ids=["hang up", "not HTTP", "short body"]
)
def test_a_broken_exchange_is_a_protocol_error(handle) -> None:
    caught = expect(TargetProtocolError, handle)
    assert caught.status is None and "broke off" in str(caught)


def test_an_oversized_answer_is_cut_off() -> None:
    body = b"x" * 5000
    with server(answer(b"200 OK", body)) as url, HttpTarget(url, "t", deadline=DEADLINE) as t:
        t.MAX_BODY_BYTES = 1000
        caught = outcome(lambda: t.request("GET", "/big"))
    assert type(caught) is TargetProtocolError and "larger than 1000 bytes" in str(caught)


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        with HttpTarget(f"http://127.0.0.1:{port}", "t", deadline=DEADLINE) as target:
            caught = outcome(target.health)
    assert type(caught) is TargetUnreachable, repr(caught)
    assert "cannot connect" in str(caught) and caught.evidence()["kind"] == "unreachable"


def test_an_unknown_host_is_unreachable() -> None:
    with HttpTarget("http://no-such-host.invalid", "t", deadline=DEADLINE) as target:
        caught = outcome(target.health)
    assert type(caught) is TargetUnreachable, repr(caught)


def test_consecutive_calls_reuse_one_kept_alive_connection() -> None:
    accepted: list[int] = []

    def keep_alive(conn: socket.socket) -> None:
        accepted.append(1)
        body = b'{"status": "ok"}'
        while True:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    with server(keep_alive) as url, HttpTarget(url) as target:
        for _ in range(20):
            assert target.health() == {"status": "ok"}
    assert len(accepted) == 1


def _timeout_in_child(url: str, results: object) -> None:
    with HttpTarget(url, "t", deadline=DEADLINE) as target:
        try:
            target.health()
            results.put("answered")  # type: ignore[attr-defined]
        except TargetError as exc:
            results.put(type(exc).__name__)  # type: ignore[attr-defined]


def test_the_deadline_holds_in_a_forked_child() -> None:
    """The watchdog thread does not survive fork(); the child must get its own."""
    import multiprocessing

    with server(silent) as url:
        with HttpTarget(url, "t", deadline=0.2) as target:  # the parent's watchdog is running
            assert isinstance(outcome(target.health), TargetTimeout)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        child = context.Process(target=_timeout_in_child, args=(url, results), daemon=True)
        child.start()
        try:
            assert results.get(timeout=HANG_BOUND) == "TargetTimeout"
        finally:
            child.join(HANG_BOUND)
