"""Arbitrary bodies, headers and tokens never make the reference fail (no 5xx, contract-shaped
errors, security headers present), in every round state."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _refkit import ADMIN
from _systems import drawn_round
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.target import HttpTarget

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)
fields = st.sampled_from(["round_id", "primary_slots", "reserve_slots", "deposit_amount",
                          "national_id", "name", "region", "beacon", "beacon_source", "amount",
                          "seeds", "seed", "n_bytes", "count", "expected_state"])
bodies = st.dictionaries(fields, json_values, max_size=5) | json_values
paths = st.sampled_from([
    "/v1/rounds", "/v1/rounds/{rid}/registrations", "/v1/rounds/{rid}/close",
    "/v1/rounds/{rid}/commit", "/v1/rounds/{rid}/draw", "/v1/rounds/{rid}/deposits",
    "/v1/rounds/{rid}/deposits/close", "/v1/lab/rounds/{rid}/draws",
    "/v1/lab/rounds/{rid}/random", "/v1/lab/server-seeds",
])


@pytest.fixture
def fuzzed(lab_target: HttpTarget) -> tuple[HttpTarget, list[str]]:
    tokens, _ = drawn_round(lab_target, "R-f", 6, 2, 2, 10)
    lab_target.create_round("R-open", 1, 1, 10)
    return lab_target, [ADMIN, "", "x" * 600, *tokens.values()]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=paths, rid=st.sampled_from(["R-f", "R-open", "nope", "a%00b", "..", "x" * 70]),
       body=bodies, who=st.integers(0, 8), key=st.text(max_size=210) | st.none())
def test_no_input_makes_the_server_fail(
    fuzzed: tuple[HttpTarget, list[str]], path: str, rid: str, body: Any, who: int,
    key: str | None,
) -> None:
    target, tokens = fuzzed
    headers = {}
    if key is not None and key.isprintable() and key.isascii():
        headers["Idempotency-Key"] = key
    # Encoded here, not by the client: NaN and Infinity literals are part of the fuzz.
    raw = json.dumps(body).encode()
    response = target.request("POST", path.replace("{rid}", rid), content=raw,
                              token=tokens[who % len(tokens)] or None, headers=headers)
    assert response.status_code < 500, response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "message"}
