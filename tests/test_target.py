"""harness.target: status, shape and credential checks on answers, and the evidence they carry."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests
from _transports import stub_target

from harness.cli import main
from harness.errors import TargetError, TargetProtocolError, UsageError
from harness.target import HttpTarget

ADMIN = "operator-secret-token"


def target_answering(status: int, content: bytes = b"{}", token: str | None = ADMIN) -> HttpTarget:
    return stub_target(lambda request: (status, {}, content), token)


def test_a_refused_operator_token_is_a_configuration_error() -> None:
    with pytest.raises(UsageError, match="refused the operator token"):
        target_answering(401).lab_server_seeds(1)


def test_a_missing_operator_token_is_a_configuration_error() -> None:
    with pytest.raises(UsageError, match="operator token is needed"):
        target_answering(200, token=None).close_registration("R")


def test_an_unexpected_status_is_a_protocol_error_with_evidence() -> None:
    with pytest.raises(TargetProtocolError, match="expected 200, got 500: 'boom'") as caught:
        target_answering(500, b"boom").get_round("R")
    evidence = caught.value.evidence()
    assert evidence["kind"] == "protocol" and evidence["status"] == 500
    assert evidence["method"] == "GET" and evidence["path"] == "/v1/rounds/R"
    assert evidence["excerpt"] == "boom" and evidence["elapsed_s"] >= 0


def test_a_short_byte_answer_is_a_protocol_error() -> None:
    with pytest.raises(TargetProtocolError, match="expected 64 bytes, got 3"):
        target_answering(200, b"abc").lab_server_seeds(2)


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"[1]", "not a JSON object"), (b"<html>", "not JSON"), (b"\xff\xfe", "not JSON")],
)
def test_an_answer_that_is_not_a_json_object_is_a_protocol_error(body, problem) -> None:
    with pytest.raises(TargetProtocolError, match=problem):
        target_answering(200, body).health()


@pytest.mark.parametrize(
    ("call", "body"),
    [
        (lambda t: t.promotions("R"), {"promoted": "a"}),
        (lambda t: t.promotions("R"), {"promoted": [1]}),
        (lambda t: t.ledger("R"), {}),
        (lambda t: t.audit("R"), {"entries": [[]]}),
        (lambda t: t.lab_draws("R", ["00" * 32]), {"draws": None}),
    ],
)
def test_a_list_of_the_wrong_shape_is_a_protocol_error(call, body) -> None:
    with pytest.raises(TargetProtocolError, match="is not a list of"):
        call(target_answering(200, json.dumps(body).encode()))


def test_no_token_reaches_the_evidence() -> None:
    """The operator's token, the token sent and any "token" field are redacted from excerpts."""
    echoed = json.dumps({"token": "applicant-secret", "you_sent": ADMIN, "other": "Bearer abc"})
    target = target_answering(200, echoed.encode())
    with pytest.raises(TargetError) as caught:
        target.create_round("R", 1, 1, 5)  # 201 expected
    text = json.dumps(caught.value.evidence()) + str(caught.value)
    assert "applicant-secret" not in text and ADMIN not in text and "abc" not in text
    assert "[redacted]" in caught.value.evidence()["excerpt"]


def test_requests_carry_the_contract_body_and_headers() -> None:
    seen: list[requests.PreparedRequest] = []

    def record(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        seen.append(request)
        return 200, {"Content-Type": "application/json"}, b'{"state": "final"}'

    target = stub_target(record, ADMIN)
    assert target.close_deposits("R-1", expected_state="promotion") == {"state": "final"}
    target.close_deposits("R-1")
    response = target.deposit("R-1", "applicant", 500, "  key-1 ")
    first, second, third = seen
    assert urlsplit(first.path_url).path == "/v1/rounds/R-1/deposits/close"
    assert first.headers["Authorization"] == f"Bearer {ADMIN}"
    assert json.loads(first.body) == {"expected_state": "promotion"}
    assert first.headers["Content-Type"] == "application/json"
    assert second.body is None
    assert third.headers["Idempotency-Key"] == "key-1"  # surrounding blanks are not part of it
    assert response.status_code == 200 and response.json() == {"state": "final"}
    assert response.headers["content-type"] == "application/json"


def test_a_clone_has_its_own_session_and_the_same_settings() -> None:
    target = stub_target(lambda request: (200, {}, b'{"status": "ok"}'), ADMIN)
    clone = target.clone()
    assert clone.session is not target.session
    assert (clone.base_url, clone.admin_token, clone.deadline) == (
        target.base_url, target.admin_token, target.deadline)
    assert clone.health() == {"status": "ok"}  # the in-process transport came along
    clone.close()
    assert target.health() == {"status": "ok"}  # closing the clone leaves the original working


@pytest.mark.parametrize("url", ["localhost:8000", "ftp://host/", "http://", "reference"])
def test_a_base_url_that_is_not_http_is_a_usage_error(url) -> None:
    with pytest.raises(UsageError, match="is not an http"):
        HttpTarget(url, ADMIN)


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
