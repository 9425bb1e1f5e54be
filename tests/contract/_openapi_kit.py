"""What the ASTI-1 document must say, transcribed from the contract (docs/contract.md), and
helpers to read the document; shared by the test_openapi_* modules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
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

OPERATOR_AUTH = {401: {"unauthorized"}, 403: {"forbidden"}}
TOO_LARGE = {413: {"payload_too_large"}}
# Any request may meet load shedding (503, with Retry-After) or a slow-client timeout (408).
ANY_OPERATION = {408: {"request_timeout"}, 503: {"unavailable"}}
NOT_DECISIONS = {408, 413, 503}

# (method, path) -> {status: error codes}, from the decision lists of the contract, plus 413 on
# operations that take a body and 404 on the lab endpoints (lab mode off); 408 and 503 are
# added to every operation below.
EXPECTED_ERRORS: dict[tuple[str, str], dict[int, set[str]]] = {
    ("get", "/healthz"): {},
    ("post", "/v1/rounds"): {
        **OPERATOR_AUTH,
        409: {"round_exists"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}"): {404: {"not_found"}},
    ("post", "/v1/rounds/{rid}/registrations"): {
        404: {"not_found"},
        422: {"invalid_request", "invalid_national_id"},
        409: {"registration_closed", "duplicate_registration"},
        403: {"previous_winner"},
        **TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/close"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        **TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/applicants"): {404: {"not_found"}, 409: {"wrong_state"}},
    ("post", "/v1/rounds/{rid}/commit"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/draw"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/results"): {404: {"not_found"}, 409: {"not_drawn"}},
    ("get", "/v1/rounds/{rid}/me"): {
        401: {"unauthorized"},
        403: {"forbidden"},
        404: {"not_found"},
    },
    ("post", "/v1/rounds/{rid}/deposits"): {
        401: {"unauthorized"},
        403: {"forbidden", "not_entitled", "previous_winner"},
        400: {"idempotency_key_required"},
        422: {"invalid_request", "idempotency_mismatch", "wrong_amount"},
        409: {"request_in_progress", "window_closed", "already_deposited"},
        **TOO_LARGE,
    },
    ("post", "/v1/rounds/{rid}/deposits/close"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        422: {"invalid_request"},
        409: {"wrong_state"},
        **TOO_LARGE,
    },
    ("get", "/v1/rounds/{rid}/promotions"): {404: {"not_found"}},
    ("get", "/v1/rounds/{rid}/deposits"): {**OPERATOR_AUTH, 404: {"not_found"}},
    ("get", "/v1/rounds/{rid}/audit"): {**OPERATOR_AUTH, 404: {"not_found"}},
    ("post", "/v1/lab/rounds/{rid}/draws"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
    ("post", "/v1/lab/rounds/{rid}/random"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        409: {"wrong_state"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
    ("post", "/v1/lab/server-seeds"): {
        **OPERATOR_AUTH,
        404: {"not_found"},
        422: {"invalid_request"},
        **TOO_LARGE,
    },
}

for _errors in EXPECTED_ERRORS.values():
    _errors.update(ANY_OPERATION)

# The success statuses of the table ("replay: 200 original" adds 200 to deposits).
CREATED = {("post", "/v1/rounds"), ("post", "/v1/rounds/{rid}/registrations")}
EXPECTED_SUCCESS: dict[tuple[str, str], set[int]] = {
    op: ({201} if op in CREATED else {200}) for op in EXPECTED_OPERATIONS
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


def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        document: dict[str, Any] = yaml.safe_load(fh)
        return document


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield (method, path), item[method], item


def responses_of(spec: dict[str, Any], operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(code): resolve(spec, resp) for code, resp in operation["responses"].items()}


def error_enum(spec: dict[str, Any], response: dict[str, Any]) -> set[str]:
    """The `error` values a response allows, from its schema (allOf of Error and an enum)."""
    schema = resolve(spec, response["content"]["application/json"]["schema"])
    parts = [resolve(spec, part) for part in schema.get("allOf", [schema])]
    assert any(part is resolve(spec, {"$ref": "#/components/schemas/Error"}) for part in parts)
    enums = [
        part["properties"]["error"]["enum"]
        for part in parts
        if "enum" in part.get("properties", {}).get("error", {})
    ]
    assert len(enums) == 1, "each error response names its codes in exactly one enum"
    return set(enums[0])


def ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any):
    """`pattern` with ECMA-262 semantics: `$` is the end of the input.

    Python's `$` also matches just before a final newline, which would let "R-1\\n" pass
    `^[A-Za-z0-9_-]{1,64}$`; JSON Schema (and every ASTI-1 system) must refuse it.
    """
    if not validator.is_type(instance, "string"):
        return
    python_pattern = re.sub(r"(?<!\\)\$", r"\\Z", pattern)
    if re.search(python_pattern, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaValidator = validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


def build_registry(spec: dict[str, Any]) -> Registry[Any]:
    """The whole document as one resource, so that `#/components/...` references resolve."""
    return Registry().with_resource(DOC_URI, DRAFT202012.create_resource(spec))


def validator(spec: dict[str, Any], name: str) -> Any:
    registry = build_registry(spec)
    schema = {"$ref": f"{DOC_URI}#/components/schemas/{name}"}
    return EcmaValidator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def valid(spec: dict[str, Any], name: str, instance: Any) -> bool:
    return validator(spec, name).is_valid(instance)
