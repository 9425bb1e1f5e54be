"""Arbitrary bodies, tokens and keys never make the alternative fail: no 5xx, errors in the
contract's shape, the security headers on every answer, in every round state."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _altkit import ADMIN
from _systems import drawn_round
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.target import HttpTarget

scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats()
           | st.text(max_size=20) | st.text(st.characters(categories=["Cs", "Cc"]), max_size=3))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=10,
)
names = st.sampled_from(["round_id", "primary_slots", "reserve_slots", "deposit_amount",
                         "national_id", "name", "region", "beacon", "beacon_source", "amount",
                         "expected_state", "seeds", "seed", "n_bytes", "count"])
bodies = st.dictionaries(names, values, max_size=5) | values
endpoints = st.sampled_from([
    ("POST", "/v1/rounds"), ("POST", "/v1/rounds/{rid}/registrations"),
    ("POST", "/v1/rounds/{rid}/close"), ("POST", "/v1/rounds/{rid}/commit"),
    ("POST", "/v1/rounds/{rid}/draw"), ("POST", "/v1/rounds/{rid}/deposits"),
    ("POST", "/v1/rounds/{rid}/deposits/close"), ("GET", "/v1/rounds/{rid}/me"),
    ("GET", "/v1/rounds/{rid}/deposits"), ("GET", "/v1/rounds/{rid}/audit"),
    ("POST", "/v1/lab/rounds/{rid}/draws"), ("POST", "/v1/lab/rounds/{rid}/random"),
    ("POST", "/v1/lab/server-seeds"),
])
PRIVATE = ("/me", "/deposits", "/audit")


@pytest.fixture(scope="module")
def fuzz_tokens(lab_server) -> list[str]:
    with HttpTarget(lab_server.url, ADMIN) as target:
        tokens, _ = drawn_round(target, "F-drawn", 6, 2, 2, 10, first=900_000)
        target.create_round("F-open", 1, 1, 10)
    return [ADMIN, "", "x" * 600, "alt.forged", *tokens.values()]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=endpoints, body=bodies, who=st.integers(0, 9),
       rid=st.sampled_from(["F-drawn", "F-open", "F-none", "a%00b", "%2e%2e", "x" * 70, "é"]),
       key=st.text(max_size=210) | st.none())
def test_no_input_makes_the_system_fail(
    alt: HttpTarget, fuzz_tokens: list[str], endpoint: tuple[str, str], body: Any, who: int,
    rid: str, key: str | None,
) -> None:
    method, template = endpoint
    path = template.replace("{rid}", rid)
    headers = {"Idempotency-Key": key} if key is not None and key.isprintable() else {}
    raw = json.dumps(body).encode("utf-8", "surrogatepass")  # NaN and lone surrogates included
    token = fuzz_tokens[who % len(fuzz_tokens)] or None
    # raw UTF-8 bytes on the wire, as a client in another language might send them
    wire = {name: value.encode("utf-8") for name, value in headers.items()}
    response = alt.request(method, path, content=raw, token=token, headers=wire)
    assert response.status_code < 500, response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.status_code >= 400:
        error = response.json()
        assert set(error) == {"error", "message"} and error["message"]
    if path.endswith(PRIVATE) and path.startswith("/v1/rounds/"):
        assert response.headers["cache-control"] == "no-store"
