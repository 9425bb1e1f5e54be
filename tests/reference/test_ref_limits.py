"""The body limits of the reference's middleware, driven directly as an ASGI app."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from targets.reference.__main__ import main
from targets.reference.config import MAX_BODY_BYTES, Limits
from targets.reference.middleware import SMALL_BODY_BYTES, ContractMiddleware

BUDGET = 4 * MAX_BODY_BYTES


async def _echo_length(scope: Any, receive: Any, send: Any) -> None:
    body = (await receive())["body"]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def run(middleware: ContractMiddleware, chunks: list[bytes], declared: int | None,
        stall: bool = False) -> tuple[int, dict[bytes, bytes], Any]:
    """One request through ``middleware``: its status, headers and JSON (or text) body."""
    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    scope = {"type": "http", "method": "POST", "path": "/v1/rounds", "headers": headers}
    pending = list(chunks)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk,
                    "more_body": bool(pending) or stall}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(middleware, scope, receive, send)
    start, body = sent[0], sent[1]["body"]
    answer = dict(start["headers"])
    payload = json.loads(body) if answer.get(b"content-type") == b"application/json" else body
    return start["status"], answer, payload


def middleware(timeout: float = 5.0) -> ContractMiddleware:
    return ContractMiddleware(_echo_length, MAX_BODY_BYTES, timeout, BUDGET)


def test_a_body_that_stops_arriving_gets_408_and_a_closed_connection() -> None:
    status, headers, body = run(middleware(timeout=0.2), [b'{"a":'], declared=100, stall=True)
    assert (status, body["error"]) == (408, "request_timeout")
    assert headers[b"connection"] == b"close" and headers[b"x-content-type-options"] == b"nosniff"


def test_past_the_budget_a_large_body_gets_503_with_retry_after() -> None:
    mw = middleware()
    mw.held = BUDGET - BUDGET // 4 - 10  # what other, unfinished uploads hold
    status, headers, body = run(mw, [b"x" * 100_000], declared=100_000)
    assert (status, body["error"]) == (503, "unavailable")
    assert int(headers[b"retry-after"]) >= 1 and headers[b"connection"] == b"close"
    assert mw.held == BUDGET - BUDGET // 4 - 10  # the refused body gave back what it took


def test_a_quarter_of_the_budget_is_kept_for_small_bodies() -> None:
    mw = middleware()
    mw.held = BUDGET - BUDGET // 4  # large uploads took all they may
    status, _, body = run(mw, [b"x" * 100], declared=100)
    assert (status, body) == (200, b"100")
    mw.held = BUDGET - 50
    status, _, body = run(mw, [b"x" * 100], declared=100)
    assert (status, body["error"]) == (503, "unavailable")


def test_a_chunked_body_counts_as_large_once_it_passes_the_small_size() -> None:
    mw = middleware()
    mw.held = BUDGET - BUDGET // 4 - SMALL_BODY_BYTES
    small = [b"x" * 1024] * (SMALL_BODY_BYTES // 1024)
    status, _, body = run(mw, small, declared=None)
    assert (status, body) == (200, str(SMALL_BODY_BYTES).encode())
    status, _, body = run(mw, small + [b"x"], declared=None)
    assert (status, body["error"]) == (503, "unavailable")


def test_the_budget_is_given_back_when_requests_end() -> None:
    mw = middleware()
    for size in (10, 70_000, MAX_BODY_BYTES):
        assert run(mw, [b"x" * size], declared=size)[0] == 200
    assert run(mw, [b"x" * 10, b"x" * MAX_BODY_BYTES], declared=None)[0] == 413
    assert mw.held == 0


def test_a_client_that_leaves_mid_body_never_reaches_the_app() -> None:
    messages = [{"type": "http.request", "body": b'{"amount": 1', "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("a truncated body reached the app")

    mw = ContractMiddleware(app, MAX_BODY_BYTES, 5.0, BUDGET)
    anyio.run(mw, {"type": "http", "path": "/", "headers": []}, receive, send)
    assert sent == [] and mw.held == 0


@pytest.mark.parametrize("option", [["--body-budget", "5"], ["--header-timeout", "0"],
                                    ["--body-timeout", "nan"], ["--max-connections", "0"]])
def test_the_command_line_refuses_limits_out_of_range(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--admin-token", "t", *option]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_limits_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="body budget"):
        Limits(body_budget=MAX_BODY_BYTES)
    with pytest.raises(ValueError, match="body-timeout"):
        Limits(body_timeout=0)
    with pytest.raises(ValueError, match="max-connections"):
        Limits(max_connections=0)
