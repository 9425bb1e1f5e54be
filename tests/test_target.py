"""harness.target: the adapter's error mapping (wrong credentials, silence, wrong shapes)."""

from __future__ import annotations

import socket

import httpx
import pytest

from harness.cli import main
from harness.errors import TargetError, UsageError
from harness.target import HttpTarget


def target_answering(status: int, content: bytes = b"{}", token: str | None = "t") -> HttpTarget:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=content))
    client = httpx.Client(transport=transport, base_url="http://target")
    return HttpTarget("http://target", token, client=client)


def test_a_refused_operator_token_is_a_configuration_error() -> None:
    with pytest.raises(UsageError, match="refused the operator token"):
        target_answering(401).lab_server_seeds(1)


def test_a_missing_operator_token_is_a_configuration_error() -> None:
    with pytest.raises(UsageError, match="operator token is needed"):
        target_answering(200, token=None).close_registration("R")


def test_an_unexpected_status_is_a_target_error_with_evidence() -> None:
    with pytest.raises(TargetError, match="expected 200, got 500 'boom'"):
        target_answering(500, b"boom").get_round("R")


def test_a_short_byte_answer_is_a_target_error() -> None:
    with pytest.raises(TargetError, match="expected 64 bytes, got 3"):
        target_answering(200, b"abc").lab_server_seeds(2)


def test_a_non_object_json_answer_is_a_target_error() -> None:
    with pytest.raises(TargetError, match="not a JSON object"):
        target_answering(200, b"[1]").health()


def test_no_answer_is_a_target_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse), base_url="http://target")
    with pytest.raises(TargetError, match="no answer from the target"):
        HttpTarget("http://target", "t", client=client).health()


def test_serve_on_a_busy_port_is_one_line_and_exit_2(capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--target", "reference", "--port", str(port), "--admin-token", "t"])
    assert code == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("harness serve: error: cannot listen on 127.0.0.1:") and err.count("\n") == 1
    )
