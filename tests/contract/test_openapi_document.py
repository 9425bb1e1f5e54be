"""The ASTI-1 OpenAPI document: endpoints, callers, error codes, decision orders, headers."""

from __future__ import annotations

import re
from typing import Any

from _openapi_kit import (
    ALL_ERROR_CODES,
    APPLICANT,
    EXPECTED_ERRORS,
    EXPECTED_OPERATIONS,
    EXPECTED_SUCCESS,
    LAB_OPERATIONS,
    NO_STORE_OPERATIONS,
    NOT_DECISIONS,
    OPERATOR,
    SUCCESS_MEDIA_TYPES,
    error_enum,
    operations,
    resolve,
    responses_of,
    valid,
)
from openapi_spec_validator import validate

# ---- the document -----------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert str(spec["openapi"]).startswith("3.1")
    validate(spec)


def test_info_describes_the_contract(spec: dict[str, Any]) -> None:
    info = spec["info"]
    assert info["version"]
    assert info["x-contract"] == "ASTI-1"
    description = info["description"]
    for state in ("registration", "closed", "committed", "drawn", "promotion", "final"):
        assert state in description
    for status in ("registered", "primary", "reserve", "not_selected", "forfeited", "promoted"):
        assert status in description


def test_every_contract_endpoint_is_present_with_its_caller(spec: dict[str, Any]) -> None:
    found = {op: operation for op, operation, _ in operations(spec)}
    assert set(found) == set(EXPECTED_OPERATIONS)
    for op, caller in EXPECTED_OPERATIONS.items():
        security = found[op].get("security", spec.get("security", []))
        if caller is None:
            assert security in ([], [{}]), op
        else:
            assert security == [{caller: []}], op


def test_security_schemes_are_bearer(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    for name in (OPERATOR, APPLICANT):
        assert schemes[name]["type"] == "http"
        assert schemes[name]["scheme"] == "bearer"


def test_round_id_path_parameter_has_the_id_pattern(spec: dict[str, Any]) -> None:
    for (method, path), operation, item in operations(spec):
        if "{rid}" not in path:
            continue
        params = [
            resolve(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])
        ]
        rid = [p for p in params if p["in"] == "path" and p["name"] == "rid"]
        assert len(rid) == 1, (method, path)
        assert resolve(spec, rid[0]["schema"])["pattern"] == "^[A-Za-z0-9_-]{1,64}$"


def test_deposits_require_the_idempotency_key_header(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/v1/rounds/{rid}/deposits"]["post"]
    headers = [resolve(spec, p) for p in operation["parameters"]]
    key = [h for h in headers if h["in"] == "header" and h["name"] == "Idempotency-Key"]
    assert len(key) == 1
    assert key[0]["schema"]["minLength"] == 1
    assert key[0]["schema"]["maxLength"] == 200


# ---- responses ---------------------------------------------------------------------------------


def test_success_statuses_and_media_types(spec: dict[str, Any]) -> None:
    for op, operation, _ in operations(spec):
        responses = responses_of(spec, operation)
        success = {code for code in responses if code < 400}
        assert success == EXPECTED_SUCCESS[op], op
        for code in success:
            media = set(responses[code]["content"])
            assert media == {SUCCESS_MEDIA_TYPES.get(op, "application/json")}, (op, code)


def test_error_statuses_and_codes_per_operation(spec: dict[str, Any]) -> None:
    for op, operation, _ in operations(spec):
        responses = responses_of(spec, operation)
        errors = {code: error_enum(spec, resp) for code, resp in responses.items() if code >= 400}
        assert errors == EXPECTED_ERRORS[op], op


def test_every_error_code_of_the_contract_is_documented(spec: dict[str, Any]) -> None:
    documented: set[str] = set()
    for _, operation, _ in operations(spec):
        for code, response in responses_of(spec, operation).items():
            if code >= 400:
                documented |= error_enum(spec, response)
    assert ALL_ERROR_CODES <= documented


def test_error_schema_requires_error_and_message(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"}
    assert valid(spec, "Error", {"error": "not_found", "message": "No such round."})
    assert not valid(spec, "Error", {"error": "not_found"})
    assert not valid(spec, "Error", {"message": "No such round."})


def test_decision_order_matches_the_responses(spec: dict[str, Any]) -> None:
    for op, operation, _ in operations(spec):
        decisions = operation["x-asti-decisions"]
        responses = responses_of(spec, operation)
        listed: dict[int, set[str]] = {}
        for decision in decisions:
            status, error = decision["status"], decision["error"]
            assert decision["when"], op
            assert status in responses, (op, status)
            if error is not None:
                assert error in error_enum(spec, responses[status]), (op, status, error)
                listed.setdefault(status, set()).add(error)
        expected = {s: c for s, c in EXPECTED_ERRORS[op].items() if s not in NOT_DECISIONS}
        assert listed == expected, op


def test_decision_orders_follow_the_contract(spec: dict[str, Any]) -> None:
    def order(path: str, method: str) -> list[tuple[int, str | None]]:
        return [(d["status"], d["error"]) for d in spec["paths"][path][method]["x-asti-decisions"]]

    assert order("/v1/rounds/{rid}/registrations", "post") == [
        (404, "not_found"),
        (422, "invalid_request"),
        (422, "invalid_national_id"),
        (409, "registration_closed"),
        (403, "previous_winner"),
        (409, "duplicate_registration"),
    ]
    assert order("/v1/rounds/{rid}/deposits", "post") == [
        (401, "unauthorized"),
        (403, "forbidden"),
        (400, "idempotency_key_required"),
        (422, "invalid_request"),
        (200, None),
        (422, "idempotency_mismatch"),
        (409, "request_in_progress"),
        (409, "window_closed"),
        (409, "already_deposited"),
        (403, "not_entitled"),
        (403, "previous_winner"),
        (422, "wrong_amount"),
        (201, None),
    ]
    assert order("/v1/rounds/{rid}/deposits/close", "post") == [
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (422, "invalid_request"),
        (409, "wrong_state"),
    ]
    assert order("/v1/rounds/{rid}/draw", "post") == [
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (409, "wrong_state"),
        (422, "invalid_request"),
    ]
    for method, path in LAB_OPERATIONS:
        first = spec["paths"][path][method]["x-asti-decisions"][0]
        assert (first["status"], first["error"]) == (404, "not_found")
        assert "lab mode" in first["when"]


def test_every_response_carries_nosniff(spec: dict[str, Any]) -> None:
    for op, operation, _ in operations(spec):
        for code, response in responses_of(spec, operation).items():
            header = resolve(spec, response["headers"]["X-Content-Type-Options"])
            assert header["required"] is True, (op, code)
            assert header["schema"]["const"] == "nosniff"


def test_no_store_on_personal_and_sensitive_responses(spec: dict[str, Any]) -> None:
    pattern = None
    for op, operation, _ in operations(spec):
        for code, response in responses_of(spec, operation).items():
            headers = response.get("headers", {})
            if op in NO_STORE_OPERATIONS:
                header = resolve(spec, headers["Cache-Control"])
                assert header["required"] is True, (op, code)
                pattern = re.compile(header["schema"]["pattern"])
    assert pattern is not None
    assert pattern.search("no-store")
    assert pattern.search("private, no-store")
    assert pattern.search("no-store, max-age=0")
    assert not pattern.search("no-cache")
    assert not pattern.search("max-age=60")


def test_bodied_operations_declare_413_and_422(spec: dict[str, Any]) -> None:
    for op, operation, _ in operations(spec):
        if "requestBody" not in operation:
            continue
        responses = responses_of(spec, operation)
        assert 413 in responses and "payload_too_large" in error_enum(spec, responses[413]), op
        assert 422 in responses and "invalid_request" in error_enum(spec, responses[422]), op


def test_lab_operations_document_404_when_lab_mode_is_off(spec: dict[str, Any]) -> None:
    for method, path in LAB_OPERATIONS:
        operation = spec["paths"][path][method]
        response = resolve(spec, operation["responses"]["404"])
        assert "lab mode" in response["description"].lower()
        assert error_enum(spec, response) == {"not_found"}


def test_every_operation_may_shed_load_and_time_out(spec: dict[str, Any]) -> None:
    """503 unavailable carries a required Retry-After; 408 request_timeout; both everywhere."""
    for op, operation, _ in operations(spec):
        responses = responses_of(spec, operation)
        assert error_enum(spec, responses[503]) == {"unavailable"}, op
        assert error_enum(spec, responses[408]) == {"request_timeout"}, op
        retry = resolve(spec, responses[503]["headers"]["Retry-After"])
        assert retry["required"] is True, op
        assert "Retry-After" not in responses[408].get("headers", {}), op
    pattern = re.compile(retry["schema"]["pattern"])
    for value in ("1", "120", " 5 ", "Wed, 21 Oct 2026 07:28:00 GMT"):
        assert pattern.search(value), value
    for value in ("", "soon", "-1", "1.5", "Wed, 21 Oct 2026 07:28:00"):
        assert not pattern.search(value), value
