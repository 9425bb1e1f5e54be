"""The ASTI-1 OpenAPI document's schemas: request bounds and realistic response objects."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from _openapi_kit import (
    DOC_URI,
    build_registry,
    operations,
    valid,
)
from jsonschema import Draft202012Validator

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
    ("DepositsCloseRequest", {"expected_state": "drawn"}, True),
    ("DepositsCloseRequest", {"expected_state": "promotion"}, True),
    ("DepositsCloseRequest", {"expected_state": "final"}, False),
    ("DepositsCloseRequest", {"expected_state": "Drawn"}, False),
    ("DepositsCloseRequest", {"expected_state": None}, False),
    ("DepositsCloseRequest", {}, False),
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
    assert valid(spec, schema, instance) is expected


def test_operations_reference_the_request_schemas(spec: dict[str, Any]) -> None:
    expected = {
        ("post", "/v1/rounds"): "CreateRoundRequest",
        ("post", "/v1/rounds/{rid}/registrations"): "RegistrationRequest",
        ("post", "/v1/rounds/{rid}/commit"): "CommitRequest",
        ("post", "/v1/rounds/{rid}/draw"): "DrawRequest",
        ("post", "/v1/rounds/{rid}/deposits"): "DepositRequest",
        ("post", "/v1/rounds/{rid}/deposits/close"): "DepositsCloseRequest",
        ("post", "/v1/lab/rounds/{rid}/draws"): "LabDrawsRequest",
        ("post", "/v1/lab/rounds/{rid}/random"): "LabRandomRequest",
        ("post", "/v1/lab/server-seeds"): "LabServerSeedsRequest",
    }
    for op, operation, _ in operations(spec):
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
    "primary_slots": 3,
    "reserve_slots": 2,
    "primary": ["A007", "A003", "A002"],
    "reserve": ["A008", "A001"],
    "published_at": "2026-03-01T12:00:00Z",
    # The contract's vector (docs/contract.md section 8): the digest covers the slot counts.
    "results_digest": "ad54a22c015000cc99b50d49097ff45c6fea8a93da40323891c95f25c93e1363",
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
    assert valid(spec, "Results", RESULTS)
    fields = ("round_id", "algorithm", "applicants_digest", "seed", "primary_slots",
              "reserve_slots", "primary", "reserve")
    digest_input = {k: RESULTS[k] for k in fields}
    assert hashlib.sha256(_canonical(digest_input)).hexdigest() == RESULTS["results_digest"]
    assert not valid(spec, "Results", {**RESULTS, "primary_slots": -1})
    assert not valid(spec, "Results", {**RESULTS, "reserve_slots": 10_000_001})
    assert not valid(spec, "Results", {**RESULTS, "primary_slots": True})
    assert valid(spec, "Results", {**RESULTS, "beacon": "beef"})
    assert not valid(spec, "Results", {**RESULTS, "beacon": "BEEF"})
    assert not valid(spec, "Results", {**RESULTS, "beacon": None})
    assert not valid(spec, "Results", {**RESULTS, "seed": SEED.upper()})
    assert not valid(spec, "Results", {**RESULTS, "algorithm": "ACS-DRAW-2"})
    assert not valid(spec, "Results", {**RESULTS, "published_at": "2026-03-01T15:30:00+03:30"})
    for field in RESULTS:
        partial = {k: v for k, v in RESULTS.items() if k != field}
        assert not valid(spec, "Results", partial), field


def test_me_schema(spec: dict[str, Any]) -> None:
    assert valid(spec, "Me", ME_RESERVE)
    primary = {
        **ME_RESERVE,
        "applicant_id": "A007",
        "status": "primary",
        "reserve_rank": None,
        "can_deposit": True,
    }
    assert valid(spec, "Me", primary)
    assert valid(spec, "Me", {**primary, "can_deposit": False, "deposit": DEPOSIT})
    assert not valid(spec, "Me", {**ME_RESERVE, "status": "winner"})
    assert not valid(spec, "Me", {**ME_RESERVE, "reserve_rank": 0})
    assert not valid(spec, "Me", {k: v for k, v in ME_RESERVE.items() if k != "reserve_rank"})
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
    assert valid(spec, "Deposit", DEPOSIT)
    entry = {**DEPOSIT, "idempotency_key": "7d1c2f3e-0000-4000-8000-000000000001"}
    assert valid(spec, "LedgerEntry", entry)
    assert not valid(spec, "LedgerEntry", DEPOSIT)
    assert valid(spec, "Ledger", {"deposits": [entry]})
    assert valid(spec, "Ledger", {"deposits": []})


def test_other_response_schemas(spec: dict[str, Any]) -> None:
    assert valid(
        spec,
        "Health",
        {"status": "ok", "system": "reference", "version": "1.0", "contract": "ASTI-1"},
    )
    assert not valid(
        spec, "Health", {"status": "ok", "system": "s", "version": "1", "contract": "ASTI-2"}
    )
    assert valid(spec, "Round", ROUND)
    assert not valid(spec, "Round", {**ROUND, "state": "open"})
    assert valid(spec, "Registration", {"applicant_id": "a_1", "token": "t" * 512})
    assert not valid(spec, "Registration", {"applicant_id": "a_1", "token": "t" * 513})
    assert valid(spec, "CloseResult", {"applicants": 10, "applicants_digest": APPLICANTS_DIGEST})
    assert valid(
        spec, "Commitment", {"seed_commitment": RESULTS["seed_commitment"], "beacon_source": ""}
    )
    assert valid(spec, "DepositsCloseResult", {"state": "promotion", "promoted": ["A008"]})
    assert valid(spec, "DepositsCloseResult", {"state": "final", "promoted": []})
    assert not valid(spec, "DepositsCloseResult", {"state": "drawn", "promoted": []})
    assert valid(spec, "Promotions", {"promoted": []})
    assert valid(spec, "LabDraws", {"draws": [{"seed": SEED, "primary": ["A007"], "reserve": []}]})
    assert valid(spec, "ApplicantList", "")
    assert valid(spec, "ApplicantList", "A000\nA001\n")
    assert not valid(spec, "ApplicantList", "A000\nA001")
    assert not valid(spec, "ApplicantList", "A000\r\nA001\r\n")
    assert not valid(spec, "ApplicantList", "A000\nA001\n\n")


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
    assert valid(spec, "AuditEntry", entry)
    assert valid(spec, "AuditLog", {"entries": [entry]})
    assert not valid(spec, "AuditEntry", {**entry, "seq": 0})
    assert not valid(spec, "AuditEntry", {**entry, "data": {}})
    assert not valid(spec, "AuditEntry", {**entry, "hash": entry["hash"].upper()})


def test_error_responses_reject_codes_of_other_responses(spec: dict[str, Any]) -> None:
    registry = build_registry(spec)
    response = spec["components"]["responses"]["DepositConflict"]
    schema = copy.deepcopy(response["content"]["application/json"]["schema"])
    schema["allOf"][0]["$ref"] = DOC_URI + schema["allOf"][0]["$ref"]
    validator = Draft202012Validator(schema, registry=registry)
    assert validator.is_valid({"error": "window_closed", "message": "The window is closed."})
    assert not validator.is_valid({"error": "wrong_amount", "message": "Wrong amount."})


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
    assert valid(spec, "Round", round_)
    me = dict(ME_RESERVE, extra="ignored")
    assert valid(spec, "Me", me)
