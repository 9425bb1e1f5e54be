"""ASTI-1 errors, decision order, headers and body rules of the reference, in-process on SQLite."""

from __future__ import annotations

import json

import httpx
import pytest
from _refkit import ADMIN
from _systems import drawn_round, expect_error, national_id

from harness.target import HttpTarget

RID = "R-err"


def post(
    target: HttpTarget, path: str, token: str | None = ADMIN, **kwargs: object
) -> httpx.Response:
    return target.request("POST", path, token=token, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def round_target(target: HttpTarget) -> HttpTarget:
    target.create_round(RID, 3, 2, 500)
    return target


def applicant(target: HttpTarget, round_id: str = RID, n: int = 1) -> dict[str, str]:
    return target.register(round_id, national_id(100_000 + n), "Ann", "North")


def test_healthz_names_the_contract(target: HttpTarget) -> None:
    body = target.health()
    assert body["contract"] == "ASTI-1" and body["status"] == "ok"
    assert body["system"] and body["version"]


def test_unknown_route_and_method_use_the_contract_shape(target: HttpTarget) -> None:
    expect_error(target.request("GET", "/nope"), 404, "not_found")
    expect_error(target.request("GET", "/v1/rounds/a/b/c"), 404, "not_found")
    expect_error(target.request("DELETE", "/healthz"), 405, "method_not_allowed")


def test_fastapi_generated_docs_are_off_and_the_contract_is_served(target: HttpTarget) -> None:
    for path in ("/docs", "/redoc"):
        expect_error(target.request("GET", path), 404, "not_found")
    response = target.request("GET", "/openapi.yaml")
    assert response.status_code == 200 and b"openapi" in response.content
    as_json = target.request("GET", "/openapi.json")
    assert as_json.status_code == 200 and as_json.json()["openapi"].startswith("3.")


def test_create_round_decision_order(target: HttpTarget) -> None:
    body = {"round_id": "R-1", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": 5}
    expect_error(post(target, "/v1/rounds", None, json=body), 401, "unauthorized")
    expect_error(post(target, "/v1/rounds", "not-a-token", json=body), 401, "unauthorized")
    expect_error(post(target, "/v1/rounds", "x" * 513, json=body), 401, "unauthorized")
    assert post(target, "/v1/rounds", json=body).status_code == 201
    token = applicant(target, "R-1")["token"]
    expect_error(post(target, "/v1/rounds", token, json=body), 403, "forbidden")
    # 409 round_exists comes before 422, even when other fields are invalid.
    invalid = {**body, "primary_slots": -1}
    expect_error(post(target, "/v1/rounds", json=invalid), 409, "round_exists")


@pytest.mark.parametrize(
    "change",
    [
        {"round_id": "bad id"},
        {"round_id": "x" * 65},
        {"primary_slots": True},
        {"primary_slots": 1.0},
        {"primary_slots": "1"},
        {"reserve_slots": 10_000_001},
        {"deposit_amount": 0},
        {"deposit_amount": 10**15 + 1},
        {"deposit_amount": None},
    ],
)
def test_create_round_rejects_wrong_types_and_ranges(target: HttpTarget, change: dict) -> None:
    body = {"round_id": "R-2", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": 5}
    expect_error(post(target, "/v1/rounds", json={**body, **change}), 422, "invalid_request")


@pytest.mark.parametrize("raw", [b"{", b"[]", b"null", b"", b"\xff\xfe", b'{"round_id": 1e999}',
                                 b"[" * 100_000, b'{"primary_slots": ' + b"9" * 5000 + b"}"])
def test_malformed_json_is_invalid_request(target: HttpTarget, raw: bytes) -> None:
    expect_error(post(target, "/v1/rounds", content=raw), 422, "invalid_request")


def test_missing_fields_are_invalid_request(target: HttpTarget) -> None:
    expect_error(post(target, "/v1/rounds", json={"round_id": "R-3"}), 422, "invalid_request")


def test_body_over_one_mebibyte_is_413(target: HttpTarget) -> None:
    limit = 1024 * 1024
    padded = json.dumps({"round_id": "R-big", "primary_slots": 1, "reserve_slots": 0,
                         "deposit_amount": 5}).encode()
    exactly = padded + b" " * (limit - len(padded))
    assert post(target, "/v1/rounds", content=exactly).status_code == 201
    expect_error(post(target, "/v1/rounds", content=exactly + b" "), 413, "payload_too_large")
    # A chunked body has no Content-Length: it is counted as it streams.
    chunks = (b" " * 65536 for _ in range(17))
    expect_error(post(target, "/v1/rounds", content=chunks), 413, "payload_too_large")


def test_operator_endpoints_order_401_403_404_409_422(round_target: HttpTarget) -> None:
    t = round_target
    token = applicant(t)["token"]
    for path in ("close", "commit", "draw", "deposits/close"):
        expect_error(post(t, f"/v1/rounds/nope/{path}", None), 401, "unauthorized")
        expect_error(post(t, f"/v1/rounds/nope/{path}", token), 403, "forbidden")
        expect_error(post(t, f"/v1/rounds/nope/{path}"), 404, "not_found")
    for path in ("deposits", "audit"):
        expect_error(t.request("GET", f"/v1/rounds/{RID}/{path}"), 401, "unauthorized")
        expect_error(t.request("GET", f"/v1/rounds/{RID}/{path}", token=token), 403, "forbidden")
        expect_error(t.request("GET", f"/v1/rounds/nope/{path}", token=ADMIN), 404, "not_found")
    # wrong state comes before a malformed body
    expect_error(post(t, f"/v1/rounds/{RID}/commit", content=b"{"), 409, "wrong_state")
    expect_error(post(t, f"/v1/rounds/{RID}/draw", content=b"{"), 409, "wrong_state")
    # deposits/close validates its body before the state (422 before 409)
    expect_error(post(t, f"/v1/rounds/{RID}/deposits/close"), 422, "invalid_request")
    expect_error(post(t, f"/v1/rounds/{RID}/deposits/close", json={"expected_state": "drawn"}),
                 409, "wrong_state")
    t.close_registration(RID)
    expect_error(post(t, f"/v1/rounds/{RID}/close"), 409, "wrong_state")
    expect_error(post(t, f"/v1/rounds/{RID}/commit", json={"beacon_source": 5}), 422,
                 "invalid_request")
    t.commit(RID)
    for beacon in ("abc", "zz", "00" * 129, 7):
        expect_error(post(t, f"/v1/rounds/{RID}/draw", json={"beacon": beacon}), 422,
                     "invalid_request")
    result = t.draw(RID, "BEEF")
    assert result["beacon"] == "beef"


def test_registration_decision_order(round_target: HttpTarget) -> None:
    t = round_target
    path = f"/v1/rounds/{RID}/registrations"
    good = {"national_id": national_id(123_456), "name": "Ann", "region": "North"}
    expect_error(post(t, "/v1/rounds/nope/registrations", None, content=b"{"), 404, "not_found")
    expect_error(post(t, path, None, content=b"{"), 422, "invalid_request")
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in good["national_id"])
    for change in ({"name": ""}, {"name": "x" * 201}, {"region": "x" * 101}, {"national_id": 12},
                   {"region": None}, {"name": "a\x00b"}, {"national_id": "123456789"},
                   {"national_id": "12345678901"}, {"national_id": "12345678x0"},
                   {"national_id": fullwidth}, {"national_id": "bad", "name": ""}):
        expect_error(post(t, path, None, json={**good, **change}), 422, "invalid_request")
    bad_id = good["national_id"][:9] + str((int(good["national_id"][9]) + 1) % 10)
    for nid in (bad_id, "1111111111", "0000000000"):
        expect_error(post(t, path, None, json={**good, "national_id": nid}), 422,
                     "invalid_national_id")
    assert post(t, path, None, json=good).status_code == 201
    expect_error(post(t, path, None, json=good), 409, "duplicate_registration")
    t.close_registration(RID)
    # invalid national id is judged before the closed registration
    expect_error(post(t, path, None, json={**good, "national_id": bad_id}), 422,
                 "invalid_national_id")
    expect_error(post(t, path, None, json=good), 409, "registration_closed")


def test_previous_winner_cannot_register_again(target: HttpTarget) -> None:
    tokens, result = drawn_round(target, "R-a", 4, 2, 0, 100)
    winner = result["primary"][0]
    assert target.deposit("R-a", tokens[winner], 100, "k").status_code == 201
    ids = {national_id(100_000 + i) for i in range(4)}
    target.create_round("R-b", 1, 1, 100)
    outcomes = [
        post(target, "/v1/rounds/R-b/registrations", None,
             json={"national_id": nid, "name": "n", "region": "r"})
        for nid in sorted(ids)
    ]
    codes = sorted(r.status_code for r in outcomes)
    assert codes == [201, 201, 201, 403]
    refused = next(r for r in outcomes if r.status_code == 403)
    expect_error(refused, 403, "previous_winner")
    # an unpaid primary of round R-a is not a previous winner
    again = post(target, "/v1/rounds/R-b/registrations", None,
                 json={"national_id": sorted(ids)[0], "name": "n", "region": "r"})
    assert again.status_code in (403, 409)


def test_me_auth_order(round_target: HttpTarget) -> None:
    t = round_target
    token = applicant(t)["token"]
    t.create_round("R-other", 1, 1, 5)
    other = applicant(t, "R-other", 2)["token"]
    expect_error(t.request("GET", f"/v1/rounds/{RID}/me"), 401, "unauthorized")
    expect_error(t.request("GET", f"/v1/rounds/{RID}/me", token="nobody"), 401, "unauthorized")
    expect_error(t.request("GET", f"/v1/rounds/{RID}/me", token=other), 403, "forbidden")
    expect_error(t.request("GET", "/v1/rounds/nope/me", token=token), 403, "forbidden")
    expect_error(t.request("GET", f"/v1/rounds/{RID}/me", token=ADMIN), 403, "forbidden")
    me = t.request("GET", f"/v1/rounds/{RID}/me", token=token)
    assert me.status_code == 200 and me.headers["cache-control"] == "no-store"


def test_results_and_applicant_list_before_they_exist(round_target: HttpTarget) -> None:
    t = round_target
    expect_error(t.request("GET", "/v1/rounds/nope/results"), 404, "not_found")
    expect_error(t.request("GET", f"/v1/rounds/{RID}/results"), 409, "not_drawn")
    expect_error(t.request("GET", "/v1/rounds/nope/applicants"), 404, "not_found")
    expect_error(t.request("GET", f"/v1/rounds/{RID}/applicants"), 409, "wrong_state")
    expect_error(t.request("GET", "/v1/rounds/nope/promotions"), 404, "not_found")
    expect_error(t.request("GET", "/v1/rounds/nope"), 404, "not_found")
    assert t.promotions(RID) == []
    applicant(t)
    closed = t.close_registration(RID)
    listed = t.applicant_list(RID)
    import hashlib

    assert hashlib.sha256(listed).hexdigest() == closed["applicants_digest"]
    assert closed["applicants"] == 1 == t.get_round(RID)["applicants"]
    expect_error(t.request("GET", f"/v1/rounds/{RID}/results"), 409, "not_drawn")


def test_private_responses_are_not_cacheable(round_target: HttpTarget) -> None:
    t = round_target
    token = applicant(t)["token"]
    for response in (
        t.request("GET", f"/v1/rounds/{RID}/me", token=token),
        t.request("GET", f"/v1/rounds/{RID}/deposits", token=ADMIN),
        t.request("GET", f"/v1/rounds/{RID}/audit", token=ADMIN),
        t.deposit(RID, token, 500, "k"),
        t.request("GET", f"/v1/rounds/{RID}/audit"),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
    public = t.request("GET", f"/v1/rounds/{RID}")
    assert "no-store" not in public.headers.get("cache-control", "")


def test_internal_errors_leak_nothing(target: HttpTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    from targets.reference import rounds

    def explode(*_: object) -> None:
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr(rounds, "get_round", explode)
    response = target.request("GET", "/v1/rounds/R-1")
    expect_error(response, 500, "internal_error")
    assert "SELECT" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"round_id": "J1", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": NaN}',
        b'{"round_id": "J1", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": Infinity}',
        '{"round_id": "J1", "primary_slots": 1, "reserve_slots": 1, "deposit_amount": 5}'.encode(
            "utf-16"
        ),
    ],
    ids=["NaN", "Infinity", "UTF-16"],
)
def test_bodies_that_are_not_utf8_json_are_invalid_requests(target: HttpTarget, body) -> None:
    response = target.operator(
        "POST", "/v1/rounds", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
