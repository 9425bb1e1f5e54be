"""The ASTI-1 OpenAPI document (targets/contract/openapi.yaml) against the contract's text.

The expected endpoints, callers, error codes and decision orders below are transcribed from the
contract (docs/contract.md); the tests hold the machine-readable document to them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "targets" / "contract" / "openapi.yaml"
DOC_URI = "urn:asti-1:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

OPERATOR, APPLICANT, ANYONE = "operatorBearer", "applicantBearer", None

# (method, path) -> who may call, from the endpoint table of the contract.
EXPECTED_OPERATIONS: dict[tuple[str, str], str | None] = {
    ("get", "/healthz"): ANYONE,
    ("post", "/v1/rounds"): OPERATOR,
    ("get", "/v1/rounds/{rid}"): ANYONE,
    ("post", "/v1/rounds/{rid}/registrations"): ANYONE,
    ("post", "/v1/rounds/{rid}/close"): OPERATOR,
    ("get", "/v1/rounds/{rid}/applicants"): ANYONE,
    ("post", "/v1/rounds/{rid}/commit"): OPERATOR,
    ("post", "/v1/rounds/{rid}/draw"): OPERATOR,
    ("get", "/v1/rounds/{rid}/results"): ANYONE,
    ("get", "/v1/rounds/{rid}/me"): APPLICANT,
    ("post", "/v1/rounds/{rid}/deposits"): APPLICANT,
    ("post", "/v1/rounds/{rid}/deposits/close"): OPERATOR,
    ("get", "/v1/rounds/{rid}/promotions"): ANYONE,
    ("get", "/v1/rounds/{rid}/deposits"): OPERATOR,
    ("get", "/v1/rounds/{rid}/audit"): OPERATOR,
    ("post", "/v1/lab/rounds/{rid}/draws"): OPERATOR,
    ("post", "/v1/lab/rounds/{rid}/random"): OPERATOR,
    ("post", "/v1/lab/server-seeds"): OPERATOR,
}

LAB_OPERATIONS = {op for op in EXPECTED_OPERATIONS if op[1].startswith("/v1/lab/")}

_OPERATOR_AUTH = {401: {"unauthorized"}, 403: {"forbidden"}}
_TOO_LARGE = {413: {"payload_too_large"}}

# (method, path) -> {status: error codes}, from the decision lists of the contract, plus 413 on
# operations that take a body and 404 on the lab endpoints (lab mode off).
EXPECTED_ERRORS: dict[tuple[str, str], dict[int, set[str]]] = {
    ("get", "/healthz"): {},
    ("post", "/v1/rounds"): {
        **_OPERATOR_AUTH,
        409: {"round_exists"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}"): {404: {"not_found"}},
    ("post", "/v1/rounds/{rid}/registrations"): {
        404: {"not_found"},
        422: {"invalid_request", "invalid_national_id"},
        409: {"registration_closed", "duplicate_registration"},
        403: {"previous_winner"},
        **_TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/close"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        **_TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/applicants"): {404: {"not_found"}, 409: {"wrong_state"}},
    ("post", "/v1/rounds/{rid}/commit"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/draw"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/results"): {404: {"not_found"}, 409: {"not_drawn"}},
    ("get", "/v1/rounds/{rid}/me"): {
        401: {"unauthorized"},
        403: {"forbidden"},
        404: {"not_found"},
    },
    ("post", "/v1/rounds/{rid}/deposits"): {
        401: {"unauthorized"},
        403: {"forbidden", "not_entitled"},
        400: {"idempotency_key_required"},
        422: {"invalid_request", "idempotency_mismatch", "wrong_amount"},
        409: {"request_in_progress", "window_closed", "already_deposited"},
        **_TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/deposits/close"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        **_TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/promotions"): {404: {"not_found"}},
    ("get", "/v1/rounds/{rid}/deposits"): {**_OPERATOR_AUTH, 404: {"not_found"}},
    ("get", "/v1/rounds/{rid}/audit"): {**_OPERATOR_AUTH, 404: {"not_found"}},
    ("post", "/v1/lab/rounds/{rid}/draws"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
    ("post", "/v1/lab/rounds/{rid}/random"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
    ("post", "/v1/lab/server-seeds"): {
        **_OPERATOR_AUTH,
        404: {"not_found"},
        422: {"invalid_request"},
        **_TOO_LARGE,
    },
}

# The success statuses of the table ("replay: 200 original" adds 200 to deposits).
_CREATED = {("post", "/v1/rounds"), ("post", "/v1/rounds/{rid}/registrations")}
EXPECTED_SUCCESS: dict[tuple[str, str], set[int]] = {
    op: ({201} if op in _CREATED else {200}) for op in EXPECTED_OPERATIONS
}
EXPECTED_SUCCESS[("post", "/v1/rounds/{rid}/deposits")] = {200, 201}

NO_STORE_OPERATIONS = {
    ("get", "/v1/rounds/{rid}/me"),
    ("post", "/v1/rounds/{rid}/deposits"),
    ("get", "/v1/rounds/{rid}/deposits"),
    ("get", "/v1/rounds/{rid}/audit"),
}

SUCCESS_MEDIA_TYPES = {
    ("get", "/v1/rounds/{rid}/applicants"): "text/plain",
    ("post", "/v1/lab/rounds/{rid}/random"): "application/octet-stream",
    ("post", "/v1/lab/server-seeds"): "application/octet-stream",
}

ALL_ERROR_CODES = {
    code for errors in EXPECTED_ERRORS.values() for codes in errors.values() for code in codes
}


# ---- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def _operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield (method, path), item[method], item


def _responses(spec: dict[str, Any], operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(code): _resolve(spec, resp) for code, resp in operation["responses"].items()}


def _error_enum(spec: dict[str, Any], response: dict[str, Any]) -> set[str]:
    """The `error` values a response allows, from its schema (allOf of Error and an enum)."""
    schema = _resolve(spec, response["content"]["application/json"]["schema"])
    parts = [_resolve(spec, part) for part in schema.get("allOf", [schema])]
    assert any(part is _resolve(spec, {"$ref": "#/components/schemas/Error"}) for part in parts)
    enums = [
        part["properties"]["error"]["enum"]
        for part in parts
        if "enum" in part.get("properties", {}).get("error", {})
    ]
    assert len(enums) == 1, "each error response names its codes in exactly one enum"
    return set(enums[0])


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any):
    """`pattern` with ECMA-262 semantics: `$` is the end of the input.

    Python's `$` also matches just before a final newline, which would let "R-1\\n" pass
    `^[A-Za-z0-9_-]{1,64}$`; JSON Schema (and every ASTI-1 system) must refuse it.
    """
    if not validator.is_type(instance, "string"):
        return
    python_pattern = re.sub(r"(?<!\\)\$", r"\\Z", pattern)
    if re.search(python_pattern, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_EcmaValidator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


def _registry(spec: dict[str, Any]) -> Registry[Any]:
    """The whole document as one resource, so that `#/components/...` references resolve."""
    return Registry().with_resource(DOC_URI, DRAFT202012.create_resource(spec))


def _validator(spec: dict[str, Any], name: str) -> Any:
    registry = _registry(spec)
    schema = {"$ref": f"{DOC_URI}#/components/schemas/{name}"}
    return _EcmaValidator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _valid(spec: dict[str, Any], name: str, instance: Any) -> bool:
    return _validator(spec, name).is_valid(instance)


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
    found = {op: operation for op, operation, _ in _operations(spec)}
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
    for (method, path), operation, item in _operations(spec):
        if "{rid}" not in path:
            continue
        params = [
            _resolve(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])
        ]
        rid = [p for p in params if p["in"] == "path" and p["name"] == "rid"]
        assert len(rid) == 1, (method, path)
        assert _resolve(spec, rid[0]["schema"])["pattern"] == "^[A-Za-z0-9_-]{1,64}$"


def test_deposits_require_the_idempotency_key_header(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/v1/rounds/{rid}/deposits"]["post"]
    headers = [_resolve(spec, p) for p in operation["parameters"]]
    key = [h for h in headers if h["in"] == "header" and h["name"] == "Idempotency-Key"]
    assert len(key) == 1
    assert key[0]["schema"]["minLength"] == 1
    assert key[0]["schema"]["maxLength"] == 200


# ---- responses ---------------------------------------------------------------------------------


def test_success_statuses_and_media_types(spec: dict[str, Any]) -> None:
    for op, operation, _ in _operations(spec):
        responses = _responses(spec, operation)
        success = {code for code in responses if code < 400}
        assert success == EXPECTED_SUCCESS[op], op
        for code in success:
            media = set(responses[code]["content"])
            assert media == {SUCCESS_MEDIA_TYPES.get(op, "application/json")}, (op, code)


def test_error_statuses_and_codes_per_operation(spec: dict[str, Any]) -> None:
    for op, operation, _ in _operations(spec):
        responses = _responses(spec, operation)
        errors = {code: _error_enum(spec, resp) for code, resp in responses.items() if code >= 400}
        assert errors == EXPECTED_ERRORS[op], op


def test_every_error_code_of_the_contract_is_documented(spec: dict[str, Any]) -> None:
    documented: set[str] = set()
    for _, operation, _ in _operations(spec):
        for code, response in _responses(spec, operation).items():
            if code >= 400:
                documented |= _error_enum(spec, response)
    assert ALL_ERROR_CODES <= documented


def test_error_schema_requires_error_and_message(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"}
    assert _valid(spec, "Error", {"error": "not_found", "message": "No such round."})
    assert not _valid(spec, "Error", {"error": "not_found"})
    assert not _valid(spec, "Error", {"message": "No such round."})


def test_decision_order_matches_the_responses(spec: dict[str, Any]) -> None:
    for op, operation, _ in _operations(spec):
        decisions = operation["x-asti-decisions"]
        responses = _responses(spec, operation)
        listed: dict[int, set[str]] = {}
        for decision in decisions:
            status, error = decision["status"], decision["error"]
            assert decision["when"], op
            assert status in responses, (op, status)
            if error is not None:
                assert error in _error_enum(spec, responses[status]), (op, status, error)
                listed.setdefault(status, set()).add(error)
        expected = {s: c for s, c in EXPECTED_ERRORS[op].items() if s != 413}
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
        (422, "wrong_amount"),
        (201, None),
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
    for op, operation, _ in _operations(spec):
        for code, response in _responses(spec, operation).items():
            header = _resolve(spec, response["headers"]["X-Content-Type-Options"])
            assert header["required"] is True, (op, code)
            assert header["schema"]["const"] == "nosniff"


def test_no_store_on_personal_and_sensitive_responses(spec: dict[str, Any]) -> None:
    pattern = None
    for op, operation, _ in _operations(spec):
        for code, response in _responses(spec, operation).items():
            headers = response.get("headers", {})
            if op in NO_STORE_OPERATIONS:
                header = _resolve(spec, headers["Cache-Control"])
                assert header["required"] is True, (op, code)
                pattern = re.compile(header["schema"]["pattern"])
    assert pattern is not None
    assert pattern.search("no-store")
    assert pattern.search("private, no-store")
    assert pattern.search("no-store, max-age=0")
    assert not pattern.search("no-cache")
    assert not pattern.search("max-age=60")


def test_bodied_operations_declare_413_and_422(spec: dict[str, Any]) -> None:
    for op, operation, _ in _operations(spec):
        if "requestBody" not in operation:
            continue
        responses = _responses(spec, operation)
        assert 413 in responses and "payload_too_large" in _error_enum(spec, responses[413]), op
        assert 422 in responses and "invalid_request" in _error_enum(spec, responses[422]), op


def test_lab_operations_document_404_when_lab_mode_is_off(spec: dict[str, Any]) -> None:
    for method, path in LAB_OPERATIONS:
        operation = spec["paths"][path][method]
        response = _resolve(spec, operation["responses"]["404"])
        assert "lab mode" in response["description"].lower()
        assert _error_enum(spec, response) == {"not_found"}


def test_response_schemas_allow_additional_properties(spec: dict[str, Any]) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert node.get("additionalProperties", True) is not False
            assert node.get("unevaluatedProperties", True) is not False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec["components"])
    walk(spec["paths"])
    round_ = dict(ROUND, vendor_extension={"anything": [1, 2, 3]})
    assert _valid(spec, "Round", round_)
    me = dict(ME_RESERVE, extra="ignored")
    assert _valid(spec, "Me", me)


# ---- request bounds -----------------------------------------------------------------------------

ROUND = {
    "round_id": "R-1",
    "state": "registration",
    "primary_slots": 3,
    "reserve_slots": 2,
    "deposit_amount": 1000,
    "applicants": 0,
}
CREATE = {"round_id": "R-1", "primary_slots": 3, "reserve_slots": 2, "deposit_amount": 1000}
REGISTER = {"national_id": "0012345679", "name": "Sara", "region": "Tehran"}

REQUEST_CASES = [
    ("CreateRoundRequest", CREATE, True),
    ("CreateRoundRequest", {**CREATE, "primary_slots": 10_000_000}, True),
    ("CreateRoundRequest", {**CREATE, "primary_slots": 10_000_001}, False),
    ("CreateRoundRequest", {**CREATE, "reserve_slots": -1}, False),
    ("CreateRoundRequest", {**CREATE, "primary_slots": 0, "reserve_slots": 0}, True),
    ("CreateRoundRequest", {**CREATE, "primary_slots": True}, False),
    ("CreateRoundRequest", {**CREATE, "primary_slots": "3"}, False),
    ("CreateRoundRequest", {**CREATE, "deposit_amount": 0}, False),
    ("CreateRoundRequest", {**CREATE, "deposit_amount": 10**15}, True),
    ("CreateRoundRequest", {**CREATE, "deposit_amount": 10**15 + 1}, False),
    ("CreateRoundRequest", {**CREATE, "round_id": "x" * 64}, True),
    ("CreateRoundRequest", {**CREATE, "round_id": "x" * 65}, False),
    ("CreateRoundRequest", {**CREATE, "round_id": ""}, False),
    ("CreateRoundRequest", {**CREATE, "round_id": "R 1"}, False),
    ("CreateRoundRequest", {**CREATE, "round_id": "R-1\n"}, False),
    ("CreateRoundRequest", {k: v for k, v in CREATE.items() if k != "deposit_amount"}, False),
    ("CreateRoundRequest", {**CREATE, "unknown_field": 1}, True),
    ("RegistrationRequest", REGISTER, True),
    ("RegistrationRequest", {**REGISTER, "national_id": "001234567"}, False),
    ("RegistrationRequest", {**REGISTER, "national_id": "00123456790"}, False),
    ("RegistrationRequest", {**REGISTER, "national_id": "00123456a9"}, False),
    ("RegistrationRequest", {**REGISTER, "national_id": "0012345679\n"}, False),
    (
        "RegistrationRequest",
        {**REGISTER, "national_id": "\u06f0\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f9"},
        False,
    ),
    ("RegistrationRequest", {**REGISTER, "national_id": 12345679}, False),
    ("RegistrationRequest", {**REGISTER, "name": ""}, False),
    ("RegistrationRequest", {**REGISTER, "name": "n" * 200}, True),
    ("RegistrationRequest", {**REGISTER, "name": "n" * 201}, False),
    ("RegistrationRequest", {**REGISTER, "name": "\u0633" * 200}, True),
    ("RegistrationRequest", {**REGISTER, "region": "r" * 100}, True),
    ("RegistrationRequest", {**REGISTER, "region": "r" * 101}, False),
    ("CommitRequest", {}, True),
    ("CommitRequest", {"beacon_source": "NIST beacon pulse 2026-03-01T12:00Z"}, True),
    ("CommitRequest", {"beacon_source": ""}, True),
    ("CommitRequest", {"beacon_source": 5}, False),
    ("DrawRequest", {}, True),
    ("DrawRequest", {"beacon": None}, True),
    ("DrawRequest", {"beacon": ""}, True),
    ("DrawRequest", {"beacon": "BEEF"}, True),
    ("DrawRequest", {"beacon": "ab" * 128}, True),
    ("DrawRequest", {"beacon": "ab" * 129}, False),
    ("DrawRequest", {"beacon": "abc"}, False),
    ("DrawRequest", {"beacon": "zz"}, False),
    ("DepositRequest", {"amount": 1}, True),
    ("DepositRequest", {"amount": 0}, False),
    ("DepositRequest", {"amount": 10**15 + 1}, False),
    ("DepositRequest", {"amount": 1.5}, False),
    ("DepositRequest", {}, False),
    ("LabDrawsRequest", {"seeds": ["00" * 32]}, True),
    ("LabDrawsRequest", {"seeds": ["AB" * 32] * 1000}, True),
    ("LabDrawsRequest", {"seeds": ["ab" * 32] * 1001}, False),
    ("LabDrawsRequest", {"seeds": []}, False),
    ("LabDrawsRequest", {"seeds": ["ab" * 31]}, False),
    ("LabRandomRequest", {"seed": "ab" * 32, "n_bytes": 1}, True),
    ("LabRandomRequest", {"seed": "ab" * 32, "n_bytes": 16_777_216}, True),
    ("LabRandomRequest", {"seed": "ab" * 32, "n_bytes": 16_777_217}, False),
    ("LabRandomRequest", {"seed": "ab" * 32, "n_bytes": 0}, False),
    ("LabRandomRequest", {"n_bytes": 10}, False),
    ("LabServerSeedsRequest", {"count": 65_536}, True),
    ("LabServerSeedsRequest", {"count": 65_537}, False),
    ("LabServerSeedsRequest", {"count": 0}, False),
]


@pytest.mark.parametrize(("schema", "instance", "expected"), REQUEST_CASES)
def test_request_schema_bounds(
    spec: dict[str, Any], schema: str, instance: Any, expected: bool
) -> None:
    assert _valid(spec, schema, instance) is expected


def test_operations_reference_the_request_schemas(spec: dict[str, Any]) -> None:
    expected = {
        ("post", "/v1/rounds"): "CreateRoundRequest",
        ("post", "/v1/rounds/{rid}/registrations"): "RegistrationRequest",
        ("post", "/v1/rounds/{rid}/commit"): "CommitRequest",
        ("post", "/v1/rounds/{rid}/draw"): "DrawRequest",
        ("post", "/v1/rounds/{rid}/deposits"): "DepositRequest",
        ("post", "/v1/lab/rounds/{rid}/draws"): "LabDrawsRequest",
        ("post", "/v1/lab/rounds/{rid}/random"): "LabRandomRequest",
        ("post", "/v1/lab/server-seeds"): "LabServerSeedsRequest",
    }
    for op, operation, _ in _operations(spec):
        body = operation.get("requestBody")
        if op not in expected:
            assert body is None, op
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{expected[op]}"
    optional = {("post", "/v1/rounds/{rid}/commit"), ("post", "/v1/rounds/{rid}/draw")}
    for op in expected:
        method, path = op
        assert spec["paths"][path][method]["requestBody"]["required"] is (op not in optional)


# ---- response schemas on realistic objects ------------------------------------------------

SEED = bytes(range(32)).hex()
APPLICANTS_DIGEST = "b74d34be5bb244f0a71def754e1be1843c5f2c202b0796db928093bb5a9209b1"
RESULTS = {
    "round_id": "R-1",
    "algorithm": "ACS-DRAW-1",
    "applicants": 10,
    "applicants_digest": APPLICANTS_DIGEST,
    "seed_commitment": "2a41d447f792fdf8a940e2f050493ea4b149d27975e28fe0eb173df2d80550e2",
    "beacon_source": "",
    "server_seed": "11" * 32,
    "beacon": "",
    "seed": SEED,
    "primary": ["A007", "A003", "A002"],
    "reserve": ["A008", "A001"],
    "published_at": "2026-03-01T12:00:00Z",
    "results_digest": "77cb5121fca3da3b094ae3dd351c08f639ee0078d268b49b4418fcb5049638bd",
}
DEPOSIT = {
    "deposit_id": "d-1",
    "applicant_id": "A007",
    "amount": 1000,
    "created_at": "2026-03-01T12:05:00.123Z",
}
ME_RESERVE = {
    "applicant_id": "A008",
    "status": "reserve",
    "reserve_rank": 1,
    "can_deposit": False,
    "deposit": None,
    "message": "You are reserve number 1. You cannot pay unless you are promoted.",
}


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_results_schema(spec: dict[str, Any]) -> None:
    assert _valid(spec, "Results", RESULTS)
    digest_input = {
        k: RESULTS[k]
        for k in ("round_id", "algorithm", "applicants_digest", "seed", "primary", "reserve")
    }
    assert hashlib.sha256(_canonical(digest_input)).hexdigest() == RESULTS["results_digest"]
    assert _valid(spec, "Results", {**RESULTS, "beacon": "beef"})
    assert not _valid(spec, "Results", {**RESULTS, "beacon": "BEEF"})
    assert not _valid(spec, "Results", {**RESULTS, "beacon": None})
    assert not _valid(spec, "Results", {**RESULTS, "seed": SEED.upper()})
    assert not _valid(spec, "Results", {**RESULTS, "algorithm": "ACS-DRAW-2"})
    assert not _valid(spec, "Results", {**RESULTS, "published_at": "2026-03-01T15:30:00+03:30"})
    for field in RESULTS:
        partial = {k: v for k, v in RESULTS.items() if k != field}
        assert not _valid(spec, "Results", partial), field


def test_me_schema(spec: dict[str, Any]) -> None:
    assert _valid(spec, "Me", ME_RESERVE)
    primary = {
        **ME_RESERVE,
        "applicant_id": "A007",
        "status": "primary",
        "reserve_rank": None,
        "can_deposit": True,
    }
    assert _valid(spec, "Me", primary)
    assert _valid(spec, "Me", {**primary, "can_deposit": False, "deposit": DEPOSIT})
    assert not _valid(spec, "Me", {**ME_RESERVE, "status": "winner"})
    assert not _valid(spec, "Me", {**ME_RESERVE, "reserve_rank": 0})
    assert not _valid(spec, "Me", {k: v for k, v in ME_RESERVE.items() if k != "reserve_rank"})
    statuses = spec["components"]["schemas"]["ApplicantStatus"]["enum"]
    assert set(statuses) == {
        "registered",
        "primary",
        "reserve",
        "not_selected",
        "forfeited",
        "promoted",
    }


def test_deposit_and_ledger_schemas(spec: dict[str, Any]) -> None:
    assert _valid(spec, "Deposit", DEPOSIT)
    entry = {**DEPOSIT, "idempotency_key": "7d1c2f3e-0000-4000-8000-000000000001"}
    assert _valid(spec, "LedgerEntry", entry)
    assert not _valid(spec, "LedgerEntry", DEPOSIT)
    assert _valid(spec, "Ledger", {"deposits": [entry]})
    assert _valid(spec, "Ledger", {"deposits": []})


def test_other_response_schemas(spec: dict[str, Any]) -> None:
    assert _valid(
        spec,
        "Health",
        {"status": "ok", "system": "reference", "version": "1.0", "contract": "ASTI-1"},
    )
    assert not _valid(
        spec, "Health", {"status": "ok", "system": "s", "version": "1", "contract": "ASTI-2"}
    )
    assert _valid(spec, "Round", ROUND)
    assert not _valid(spec, "Round", {**ROUND, "state": "open"})
    assert _valid(spec, "Registration", {"applicant_id": "a_1", "token": "t" * 512})
    assert not _valid(spec, "Registration", {"applicant_id": "a_1", "token": "t" * 513})
    assert _valid(spec, "CloseResult", {"applicants": 10, "applicants_digest": APPLICANTS_DIGEST})
    assert _valid(
        spec, "Commitment", {"seed_commitment": RESULTS["seed_commitment"], "beacon_source": ""}
    )
    assert _valid(spec, "DepositsCloseResult", {"state": "promotion", "promoted": ["A008"]})
    assert _valid(spec, "DepositsCloseResult", {"state": "final", "promoted": []})
    assert not _valid(spec, "DepositsCloseResult", {"state": "drawn", "promoted": []})
    assert _valid(spec, "Promotions", {"promoted": []})
    assert _valid(spec, "LabDraws", {"draws": [{"seed": SEED, "primary": ["A007"], "reserve": []}]})
    assert _valid(spec, "ApplicantList", "")
    assert _valid(spec, "ApplicantList", "A000\nA001\n")
    assert not _valid(spec, "ApplicantList", "A000\nA001")
    assert not _valid(spec, "ApplicantList", "A000\r\nA001\r\n")
    assert not _valid(spec, "ApplicantList", "A000\nA001\n\n")


def test_audit_entry_schema_and_chain_example(spec: dict[str, Any]) -> None:
    body = {
        "seq": 1,
        "at": "2026-03-01T09:00:00Z",
        "event": "round_created",
        "data": {"round_id": "R-1"},
    }
    prev = "0" * 64
    entry = {
        **body,
        "prev_hash": prev,
        "hash": hashlib.sha256(prev.encode("ascii") + _canonical(body)).hexdigest(),
    }
    assert entry["hash"] == "0613596575b7d02b6b7518dab230f839553e2906291988ef54ec75bf728446ed"
    assert _valid(spec, "AuditEntry", entry)
    assert _valid(spec, "AuditLog", {"entries": [entry]})
    assert not _valid(spec, "AuditEntry", {**entry, "seq": 0})
    assert not _valid(spec, "AuditEntry", {**entry, "data": {}})
    assert not _valid(spec, "AuditEntry", {**entry, "hash": entry["hash"].upper()})


def test_error_responses_reject_codes_of_other_responses(spec: dict[str, Any]) -> None:
    registry = _registry(spec)
    response = spec["components"]["responses"]["DepositConflict"]
    schema = copy.deepcopy(response["content"]["application/json"]["schema"])
    schema["allOf"][0]["$ref"] = DOC_URI + schema["allOf"][0]["$ref"]
    validator = Draft202012Validator(schema, registry=registry)
    assert validator.is_valid({"error": "window_closed", "message": "The window is closed."})
    assert not validator.is_valid({"error": "wrong_amount", "message": "Wrong amount."})
