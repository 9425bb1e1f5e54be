"""Leak detectors: tracebacks, SQL, banners and evaluated payloads, never a plain message."""

from __future__ import annotations

import pytest

from harness.security.leaks import scan, version_banner


@pytest.mark.parametrize("text, kind", [
    ('Traceback (most recent call last):\n  File "/srv/app.py", line 3, in f', "stack_trace"),
    ("at com.shop.Api.deposit(Api.java:42)", "stack_trace"),
    ("sqlite3.OperationalError: near \"'\": syntax error", "sql"),
    ('ERROR: syntax error at or near "OR"', "sql"),
    ("SELECT round_id FROM rounds WHERE round_id = 'x'", "sql"),
    ("<h1>Werkzeug Debugger</h1>", "banner"),
    ("served by nginx/1.25.3", "banner"),
    ("uid=0(root) gid=0(root)", "evaluated"),
    ("root:x:0:0:root:/root:/bin/bash", "evaluated"),
    ("hello 9801647", "evaluated"),
])
def test_detects(text: str, kind: str) -> None:
    assert kind in {leak.kind for leak in scan(text)}


@pytest.mark.parametrize("text", [
    '{"error": "not_found", "message": "no such round"}',
    '{"error": "forbidden", "message": "You were not selected in this round."}',
    '{"error": "invalid_request", "message": "select a region from the list"}',
])
def test_plain_messages_pass(text: str) -> None:
    assert scan(text) == []


def test_what_the_request_sent_is_not_held_against_the_system() -> None:
    payload = "1 UNION SELECT NULL FROM users--"
    echoed = f'{{"error": "invalid_request", "message": "bad round id {payload}"}}'
    assert scan(echoed, [payload]) == []
    assert scan(echoed) != []


def test_version_banner_headers() -> None:
    assert version_banner({"Server": "Apache/2.4.58 (Unix)"})
    assert version_banner({"X-Powered-By": "PHP/8.2.1"})
    assert version_banner({"Server": "uvicorn"}) is None
