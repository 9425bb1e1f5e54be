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


def every_operation(contract: Contract) -> list[tuple[str, str, bool]]:
    """(METHOD, a concrete path, whether the operation needs no-store) for every operation."""
    no_store = {"/v1/rounds/{rid}/me", "/v1/rounds/{rid}/deposits", "/v1/rounds/{rid}/audit"}
    return [
        (method.upper(), template.replace("{rid}", "R1"), template in no_store)
        for template, item in contract.document["paths"].items()
        for method in item
        if method in ("get", "post")
    ]


def test_load_shedding_and_slow_client_answers_are_accepted_everywhere(contract) -> None:
    unavailable = body({"error": "unavailable", "message": "busy, retry shortly"})
    timeout = body({"error": "request_timeout", "message": "the request came too slowly"})
    operations = every_operation(contract)
    assert len(operations) == 18
    for method, path, no_store in operations:
        headers = NO_STORE if no_store else JSON
        for retry_after in ("1", "Wed, 21 Oct 2026 07:28:00 GMT"):
            shed = {**headers, "retry-after": retry_after}
            assert contract.check(method, path, 503, shed, unavailable) == [], (method, path)
        assert contract.check(method, path, 408, headers, timeout) == [], (method, path)


def test_a_503_without_retry_after_or_with_another_code_is_a_problem(contract) -> None:
    unavailable = body({"error": "unavailable", "message": "busy"})
    assert contract.check("POST", "/v1/rounds/R1/draw", 503, JSON, unavailable) == [
        "header Retry-After is missing"
    ]
    later = {**JSON, "retry-after": "later"}
    assert contract.check("POST", "/v1/rounds/R1/draw", 503, later, unavailable) != []
    other = body({"error": "internal_error", "message": "boom"})
    shed = {**JSON, "retry-after": "2"}
    assert contract.check("GET", "/healthz", 503, shed, other) != []
    assert contract.check("GET", "/v1/rounds/R1/me", 503, shed, unavailable) == [
        "header Cache-Control is missing"
    ]


def test_deposits_close_and_deposits_answer_the_revised_codes(contract) -> None:
    invalid = body({"error": "invalid_request", "message": "expected_state is missing"})
    assert contract.check("POST", "/v1/rounds/R1/deposits/close", 422, JSON, invalid) == []
    winner = body({"error": "previous_winner", "message": "paid in another round"})
    assert contract.check("POST", "/v1/rounds/R1/deposits", 403, NO_STORE, winner) == []
    results = {
        "round_id": "R1", "algorithm": "ACS-DRAW-1", "applicants": 0,
        "applicants_digest": "0" * 64, "seed_commitment": "0" * 64, "beacon_source": "",
        "server_seed": "0" * 64, "beacon": "", "seed": "0" * 64, "primary": [], "reserve": [],
        "published_at": "2026-01-01T00:00:00Z", "results_digest": "0" * 64,
    }
    problems = contract.check("GET", "/v1/rounds/R1/results", 200, JSON, body(results))
    assert any("'primary_slots' is a required property" in p for p in problems)
    full = {**results, "primary_slots": 0, "reserve_slots": 0}
    assert contract.check("GET", "/v1/rounds/R1/results", 200, JSON, body(full)) == []
