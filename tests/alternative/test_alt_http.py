"""HTTP edges on the alternative: malformed requests, size limits, headers, stalled clients."""

from __future__ import annotations

import json
import select
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from _altkit import ADMIN, Server, running
from _systems import expect_error

from harness.target import HttpTarget

MIB = 1024 * 1024


def exchange(url: str, data: bytes, *, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes: (status, headers, body)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before taking everything
        received = b""
        while b"\r\n\r\n" not in received or not _complete(received):
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            return len(body) >= int(line.split(":")[1])
    return False


def assert_contract_error(status: int, headers: dict[str, str], body: bytes, code: str) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"].startswith("application/json")
    assert "server" not in headers
    document = json.loads(body)
    assert set(document) == {"error", "message"} and document["error"] == code
    assert b"waitress" not in body.lower() and b"traceback" not in body.lower()


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n",
        b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["request line", "header line", "content length", "huge header", "chunk size"],
)
def test_a_malformed_request_gets_a_contract_shaped_400(alt: HttpTarget, raw: bytes) -> None:
    status, headers, body = exchange(alt.base_url, raw)
    assert status == 400
    assert_contract_error(status, headers, body, "invalid_request")


def test_bodies_over_one_mebibyte_are_refused_with_413(alt: HttpTarget) -> None:
    auth = {"Authorization": f"Bearer {ADMIN}"}
    declared = httpx.post(alt.base_url + "/v1/rounds", content=b" " * (MIB + 1), headers=auth)
    expect_error(declared, 413, "payload_too_large")
    chunks = (b" " * 65536 for _ in range(40))  # 2.5 MiB, chunked: no length up front
    streamed = httpx.post(alt.base_url + "/v1/rounds", content=chunks, headers=auth)
    expect_error(streamed, 413, "payload_too_large")
    status, headers, body = exchange(
        alt.base_url, b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n")
    assert status == 413
    assert_contract_error(status, headers, body, "payload_too_large")
    exactly = httpx.post(alt.base_url + "/v1/rounds", content=b" " * MIB, headers=auth)
    expect_error(exactly, 422, "invalid_request")  # at the limit: read, then found not JSON


def test_unknown_paths_and_methods_answer_in_the_contracts_shape(alt: HttpTarget) -> None:
    for response in (
        alt.request("GET", "/nowhere"),
        alt.request("GET", "/healthz/"),
        alt.request("GET", "/v1/rounds/a/b/c/d"),
    ):
        expect_error(response, 404, "not_found")
        assert "server" not in response.headers
    for method, path in (("DELETE", "/v1/rounds/X"), ("PUT", "/v1/rounds"),
                         ("GET", "/v1/rounds/X/draw")):
        expect_error(alt.request(method, path), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"round_id": "J-1", "primary_slots": NaN}', b"\xff\xfe{}",
     b'{"round_id": "J-1", "primary_slots": 1.0, "reserve_slots": 1, "deposit_amount": 1}',
     b'{"round_id": "J-1", "primary_slots": true, "reserve_slots": 1, "deposit_amount": 1}',
     b'{"round_id": "J-1\\n", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": 1}',
     b'{"round_id": "J-1", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": 0}'],
)
def test_malformed_bodies_are_invalid_requests(alt: HttpTarget, content: bytes) -> None:
    expect_error(alt.request("POST", "/v1/rounds", token=ADMIN, content=content), 422,
                 "invalid_request")


def test_text_that_cannot_be_stored_is_refused(alt: HttpTarget) -> None:
    alt.create_round("H-text", 1, 1, 5)
    body = b'{"national_id": "0000000019", "name": "\\ud800", "region": "R"}'
    answer = alt.request("POST", "/v1/rounds/H-text/registrations", content=body)
    expect_error(answer, 422, "invalid_request")


def test_lab_paths_do_not_exist_without_lab_mode(alt_plain: HttpTarget) -> None:
    alt_plain.create_round("H-lab", 1, 1, 5)
    alt_plain.close_registration("H-lab")
    paths = ["/v1/lab/rounds/H-lab/draws", "/v1/lab/rounds/H-lab/random", "/v1/lab/server-seeds"]
    for path in paths:
        for token in (None, ADMIN, "alt.unknown"):
            for method in ("POST", "GET"):
                expect_error(alt_plain.request(method, path, token=token, json={"count": 1}), 404,
                             "not_found")


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("impatient") / "alt.db"
    with running(db, extra=["--request-timeout", "1", "--idle-timeout", "2"]) as server:
        yield server


def closed_within(sock: socket.socket, seconds: float, trickle: bool) -> bool:
    """True once the server closes the connection; a trickling client sends a byte now and then."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if trickle:
            try:
                sock.send(b"a")
            except OSError:
                return True
        ready, _, _ = select.select([sock], [], [], 0.3)
        if ready:
            try:
                return sock.recv(1024) == b""
            except ConnectionResetError:
                return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
def test_a_stalled_client_is_dropped(impatient: Server, trickle: bool) -> None:
    parts = urlsplit(impatient.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        assert closed_within(sock, 30, trickle)
    assert httpx.get(impatient.url + "/healthz").status_code == 200


def test_a_connection_that_never_speaks_is_closed(impatient: Server) -> None:
    parts = urlsplit(impatient.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        assert closed_within(sock, 30, trickle=False)


def test_the_database_may_be_named_by_a_plain_path(tmp_path: Path) -> None:
    server = Server(tmp_path / "plain.db", plain=True)
    server.start()
    try:
        assert httpx.get(server.url + "/healthz").json()["contract"] == "ASTI-1"
    finally:
        server.stop()
    assert (tmp_path / "plain.db").stat().st_size > 0
