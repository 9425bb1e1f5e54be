"""Requests too malformed to reach the app still get a contract-shaped answer from the server."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _refkit import running_server


def raw_exchange(base_url: str, request: bytes, *more: bytes) -> bytes:
    """Send ``request`` (and each of ``more`` a moment later), read until the server closes."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(request)
        for part in more:
            time.sleep(0.3)
            conn.sendall(part)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    ],
    ids=["request line", "content length", "header line"],
)
def test_malformed_http_gets_json_400_with_nosniff(
    sqlite_url: str, tmp_path: Path, request_bytes
) -> None:
    with running_server(sqlite_url, tmp_path) as base_url:
        answer = raw_exchange(base_url, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("ascii").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 400")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "error": "invalid_request",
        "message": "the HTTP request is malformed",
    }


def parse_answer(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("ascii").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes ``sock`` (FIN or reset) before ``within`` seconds pass."""
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


@pytest.mark.slow
def test_connection_cap_head_limit_and_deadlines(sqlite_url: str, tmp_path: Path) -> None:
    """Past the connection cap: a contract-shaped 503 with Retry-After; a head still incomplete
    past 16 KiB: the JSON 400; a head or body that stops arriving: dropped (head) or 408 (body)
    in time."""
    options = ["--max-connections", "3", "--header-timeout", "3", "--body-timeout", "2"]
    with running_server(sqlite_url, tmp_path, options=options) as base_url:
        address = urlsplit(base_url)
        holders = [socket.create_connection((address.hostname, address.port)) for _ in range(3)]
        for holder in holders:
            holder.sendall(b"GET /healthz HTTP/1.1\r\n")  # a head that never ends
        status, headers, body = parse_answer(raw_exchange(base_url, b"GET /healthz HTTP/1.1\r\n"
                                                          b"Host: x\r\n\r\n"))
        assert status == 503 and json.loads(body)["error"] == "unavailable"
        assert headers["x-content-type-options"] == "nosniff"
        assert int(headers["retry-after"]) >= 0 and headers["connection"] == "close"
        assert all(closed_by_server(holder, 3 + 10) for holder in holders)
        for holder in holders:
            holder.close()
        status, _, body = parse_answer(raw_exchange(base_url, b"GET /healthz HTTP/1.1\r\n"
                                                    b"Host: x\r\nConnection: close\r\n\r\n"))
        assert status == 200 and json.loads(body)["contract"] == "ASTI-1"
        big_head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000
        status, headers, body = parse_answer(raw_exchange(base_url, big_head, b"\r\n\r\n"))
        assert status == 400 and json.loads(body)["error"] == "invalid_request"
        slow_body = (b"POST /v1/rounds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{")
        status, headers, body = parse_answer(raw_exchange(base_url, slow_body))
        assert status == 408 and json.loads(body)["error"] == "request_timeout"
        assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"
