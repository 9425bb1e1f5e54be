"""The contract's decision orders: when several rules are broken, the first one answers."""

from __future__ import annotations

from _altkit import ADMIN, close_window
from _systems import drawn_round, expect_error, national_id

from harness.target import HttpTarget

GOOD = national_id(700_000)


def reg(alt: HttpTarget, round_id: str, body: object):
    return alt.request("POST", f"/v1/rounds/{round_id}/registrations", json=body)


def test_operator_endpoints(alt: HttpTarget) -> None:
    alt.create_round("D-op", 1, 1, 5)
    applicant = alt.register("D-op", GOOD, "A", "B")["token"]
    bad_round = {"round_id": "D-op", "primary_slots": -1}
    expect_error(alt.request("POST", "/v1/rounds", json=bad_round), 401, "unauthorized")
    expect_error(alt.request("POST", "/v1/rounds", token="nope", json=bad_round), 401,
                 "unauthorized")
    expect_error(alt.request("POST", "/v1/rounds", token=applicant, json=bad_round), 403,
                 "forbidden")
    expect_error(alt.request("POST", "/v1/rounds", token=ADMIN, json=bad_round), 409,
                 "round_exists")
    expect_error(alt.request("POST", "/v1/rounds", token=ADMIN, json={"round_id": "D-new"}), 422,
                 "invalid_request")
    for path in ("close", "commit", "draw", "audit", "deposits"):
        method = "GET" if path in ("audit", "deposits") else "POST"
        expect_error(alt.request(method, f"/v1/rounds/D-none/{path}", token=applicant), 403,
                     "forbidden")
        expect_error(alt.request(method, f"/v1/rounds/D-none/{path}", token=ADMIN), 404,
                     "not_found")
        expect_error(alt.request(method, f"/v1/rounds/bad$id/{path}", token=ADMIN), 404,
                     "not_found")


def test_state_is_checked_before_the_body(alt: HttpTarget) -> None:
    alt.create_round("D-state", 1, 1, 5)
    draw = "/v1/rounds/D-state/draw"
    expect_error(alt.request("POST", draw, token=ADMIN, json={"beacon": "xyz"}), 409,
                 "wrong_state")
    alt.close_registration("D-state")
    expect_error(alt.request("POST", "/v1/rounds/D-state/commit", token=ADMIN,
                             json={"beacon_source": 5}), 422, "invalid_request")
    alt.commit("D-state")
    for beacon in ("xyz", "abc", "00" * 129, 17):
        expect_error(alt.request("POST", draw, token=ADMIN, json={"beacon": beacon}), 422,
                     "invalid_request")
    assert alt.draw("D-state", "AbCd")["beacon"] == "abcd"


def test_registration(alt: HttpTarget) -> None:
    expect_error(reg(alt, "D-none", {"national_id": "x"}), 404, "not_found")
    alt.create_round("D-reg", 1, 1, 5)
    for national in ("123456789", "12345678901", "١٢٣٤٥٦٧٨٩٠", 1234567890, None):
        expect_error(reg(alt, "D-reg", {"national_id": national, "name": "A", "region": "B"}),
                     422, "invalid_request")
    for name, region in (("", "B"), ("A" * 201, "B"), ("A", "B" * 101), ("A", 3)):
        expect_error(reg(alt, "D-reg", {"national_id": GOOD, "name": name, "region": region}),
                     422, "invalid_request")
    longest = {"national_id": GOOD, "name": "é" * 200, "region": "B" * 100}
    assert reg(alt, "D-reg", longest).status_code == 201
    broken = GOOD[:9] + str((int(GOOD[9]) + 1) % 10)
    for national in (broken, "0000000000", "1111111111"):
        expect_error(reg(alt, "D-reg", {"national_id": national, "name": "A", "region": "B"}),
                     422, "invalid_national_id")
    expect_error(reg(alt, "D-reg", {"national_id": GOOD, "name": "A", "region": "B"}), 409,
                 "duplicate_registration")
    alt.close_registration("D-reg")
    expect_error(reg(alt, "D-reg", {"national_id": broken, "name": "A", "region": "B"}), 422,
                 "invalid_national_id")
    expect_error(reg(alt, "D-reg", {"national_id": GOOD, "name": "A", "region": "B"}), 409,
                 "registration_closed")


def test_deposits(alt: HttpTarget) -> None:
    tokens, results = drawn_round(alt, "D-dep", 4, 2, 1, 50, first=710_000)
    alt.create_round("D-other", 1, 1, 5)
    stranger = alt.register("D-other", national_id(719_999), "A", "B")["token"]
    winner = tokens[results["primary"][0]]
    path = "/v1/rounds/D-dep/deposits"

    def pay(token: str | None, key: str | None, body: object):
        headers = {} if key is None else {"Idempotency-Key": key}
        return alt.request("POST", path, token=token, json=body, headers=headers)

    expect_error(pay(None, None, None), 401, "unauthorized")
    expect_error(pay(stranger, None, None), 403, "forbidden")
    expect_error(pay(ADMIN, None, None), 403, "forbidden")
    expect_error(pay(winner, None, None), 400, "idempotency_key_required")
    expect_error(pay(winner, "", None), 400, "idempotency_key_required")
    expect_error(pay(winner, "k" * 201, None), 400, "idempotency_key_required")
    for body in (None, {}, {"amount": "50"}, {"amount": 0}, {"amount": 10**15 + 1},
                 {"amount": True}, {"amount": 50.0}):
        expect_error(pay(winner, "k", body), 422, "invalid_request")
    first = pay(winner, "k" * 200, {"amount": 50})
    assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
    replay = pay(winner, "k" * 200, {"amount": 50})
    assert replay.status_code == 200 and replay.json() == first.json()
    expect_error(pay(winner, "k" * 200, {"amount": 51}), 422, "idempotency_mismatch")
    expect_error(pay(winner, "another", {"amount": 51}), 409, "already_deposited")
    loser = tokens[results["primary"][1]]
    expect_error(pay(loser, "k", {"amount": 51}), 422, "wrong_amount")
    refused = pay(stranger, None, None)
    assert refused.headers["cache-control"] == "no-store"
    close_window(alt, "D-dep", "drawn")
    close_window(alt, "D-dep", "promotion")
    expect_error(pay(loser, "k", {"amount": 51}), 409, "window_closed")
    assert pay(winner, "k" * 200, {"amount": 50}).json() == first.json()  # replay after close


def test_closing_the_deposit_window(alt: HttpTarget) -> None:
    tokens, _ = drawn_round(alt, "D-win", 3, 1, 1, 5, first=720_000)
    path = "/v1/rounds/D-win/deposits/close"
    applicant = next(iter(tokens.values()))
    expect_error(alt.request("POST", path, json={"expected_state": "drawn"}), 401, "unauthorized")
    expect_error(alt.request("POST", path, token=applicant), 403, "forbidden")
    expect_error(alt.request("POST", "/v1/rounds/D-nowin/deposits/close", token=ADMIN,
                             json={"expected_state": "drawn"}), 404, "not_found")
    for body in (None, {}, {"expected_state": "final"}, {"expected_state": ["drawn"]}):
        expect_error(alt.request("POST", path, token=ADMIN, json=body), 422, "invalid_request")
    expect_error(close_window(alt, "D-win", "promotion"), 409, "wrong_state")
    assert close_window(alt, "D-win", "drawn").json()["state"] == "promotion"
    expect_error(close_window(alt, "D-win", "drawn"), 409, "wrong_state")  # a doubled request


def test_public_reads(alt: HttpTarget) -> None:
    for path in ("", "/results", "/applicants", "/promotions"):
        expect_error(alt.request("GET", f"/v1/rounds/D-nothing{path}"), 404, "not_found")
    alt.create_round("D-read", 2, 2, 5)
    expect_error(alt.request("GET", "/v1/rounds/D-read/applicants"), 409, "wrong_state")
    expect_error(alt.request("GET", "/v1/rounds/D-read/results"), 409, "not_drawn")
    assert alt.promotions("D-read") == []
    alt.close_registration("D-read")
    listing = alt.request("GET", "/v1/rounds/D-read/applicants")
    assert listing.content == b"" and listing.headers["content-type"].startswith("text/plain")
    expect_error(alt.request("GET", "/v1/rounds/D-read/results"), 409, "not_drawn")


def test_lab_endpoints(alt: HttpTarget) -> None:
    alt.create_round("D-lab", 2, 1, 5)
    alt.register("D-lab", national_id(730_000), "A", "B")
    draws = "/v1/lab/rounds/D-lab/draws"
    expect_error(alt.request("POST", draws, json={"seeds": ["00" * 32]}), 401, "unauthorized")
    expect_error(alt.request("POST", draws, token=ADMIN, json={"seeds": ["00" * 32]}), 409,
                 "wrong_state")
    alt.close_registration("D-lab")
    for seeds in ([], ["00" * 31], ["zz" * 32], ["00" * 32] * 1001, "00" * 32):
        expect_error(alt.request("POST", draws, token=ADMIN, json={"seeds": seeds}), 422,
                     "invalid_request")
    answer = alt.lab_draws("D-lab", ["AB" * 32, "00" * 32])
    assert [d["seed"] for d in answer] == ["ab" * 32, "00" * 32]
    for n_bytes in (0, 16 * 1024 * 1024 + 1, "5"):
        expect_error(alt.request("POST", "/v1/lab/rounds/D-lab/random", token=ADMIN,
                                 json={"seed": "00" * 32, "n_bytes": n_bytes}), 422,
                     "invalid_request")
    for count in (0, 65537):
        expect_error(alt.request("POST", "/v1/lab/server-seeds", token=ADMIN,
                                 json={"count": count}), 422, "invalid_request")
    seeds = alt.lab_server_seeds(64)
    assert len({seeds[i : i + 32] for i in range(0, len(seeds), 32)}) == 64
    assert alt.get_round("D-lab")["state"] == "closed"  # lab calls change nothing
