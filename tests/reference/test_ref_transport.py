"""Requests too malformed to reach the app still get a contract-shaped answer from the server."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _refkit import running_server


def raw_exchange(base_url: str, request: bytes) -> bytes:
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(request)
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
