"""harness.contract: judging single responses against the ASTI-1 document."""

from __future__ import annotations

import json

import pytest

from harness.contract import Contract

JSON = {"content-type": "application/json", "x-content-type-options": "nosniff"}
NO_STORE = {**JSON, "cache-control": "no-store"}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load()


def body(value: object) -> bytes:
    return json.dumps(value).encode()


def test_literal_paths_win_over_templates(contract) -> None:
    assert contract.operation("POST", "/v1/rounds/R1/deposits/close").template.endswith("/close")
    assert contract.operation("POST", "/v1/rounds/R1/deposits").template.endswith("/deposits")
    assert contract.operation("DELETE", "/v1/rounds/R1") is None


def test_a_conforming_health_answer_has_no_problem(contract) -> None:
    health = {"status": "ok", "system": "x", "version": "1", "contract": "ASTI-1", "extra": 1}
    assert contract.check("GET", "/healthz", 200, JSON, body(health)) == []


def test_wrong_contract_name_and_missing_fields_are_named(contract) -> None:
    problems = contract.check("GET", "/healthz", 200, JSON, body({"contract": "ASTI-2"}))
    assert any("'system' is a required property" in p for p in problems)
    assert any("'ASTI-1' was expected" in p for p in problems)


def test_an_error_code_of_another_status_is_a_problem(contract) -> None:
    wrong = body({"error": "forbidden", "message": "no"})
    assert contract.check("GET", "/v1/rounds/R1/me", 401, NO_STORE, wrong) != []
    right = body({"error": "unauthorized", "message": "no"})
    assert contract.check("GET", "/v1/rounds/R1/me", 401, NO_STORE, right) == []


def test_missing_security_headers_are_problems(contract) -> None:
    right = body({"error": "unauthorized", "message": "no"})
    problems = contract.check(
        "GET", "/v1/rounds/R1/me", 401, {"content-type": "application/json"}, right
    )
    assert set(problems) == {
        "header X-Content-Type-Options is missing",
        "header Cache-Control is missing",
    }


def test_undocumented_status_and_media_type_are_problems(contract) -> None:
    assert contract.check("GET", "/healthz", 500, JSON, b"{}") == [
        "GET /healthz: status 500 is not documented"
    ]
    html = {"content-type": "text/html", "x-content-type-options": "nosniff"}
    assert "content type 'text/html'" in contract.check("GET", "/healthz", 200, html, b"<p>")[0]


def test_malformed_json_is_a_problem(contract) -> None:
    assert contract.check("GET", "/healthz", 200, JSON, b"{oops") == ["the body is not valid JSON"]
