"""Lab endpoints: absent (404 to everyone) without lab mode; replayable with it."""

from __future__ import annotations

import pytest
from _refkit import ADMIN
from _systems import expect_error, register_many

from harness.fairness.replay import CanonicalList, replay_draw
from harness.target import HttpTarget

LAB_PATHS = ("/v1/lab/rounds/R-1/draws", "/v1/lab/rounds/R-1/random", "/v1/lab/server-seeds")


@pytest.mark.parametrize("path", LAB_PATHS)
@pytest.mark.parametrize("token", [None, ADMIN])
def test_lab_endpoints_are_404_without_lab_mode(
    target: HttpTarget, path: str, token: str | None
) -> None:
    target.create_round("R-1", 1, 1, 5)
    expect_error(target.request("POST", path, token=token, json={"count": 1}), 404, "not_found")


def test_lab_draws_and_stream_replay_independently(lab_target: HttpTarget) -> None:
    t = lab_target
    t.create_round("R-1", 4, 3, 5)
    tokens = register_many(t, "R-1", 20)
    expect_error(t.request("POST", LAB_PATHS[0], token=ADMIN, json={"seeds": ["00" * 32]}), 409,
                 "wrong_state")
    expect_error(t.request("POST", LAB_PATHS[0], json={"seeds": ["00" * 32]}), 401,
                 "unauthorized")
    t.close_registration("R-1")
    seeds = [bytes([i]) * 32 for i in range(5)]
    draws = t.lab_draws("R-1", [s.hex().upper() for s in seeds])
    for seed, drawn in zip(seeds, draws, strict=True):
        expected = replay_draw("R-1", list(tokens), 4, 3, seed)
        assert (drawn["seed"], drawn["primary"], drawn["reserve"]) == (
            seed.hex(), expected.primary, expected.reserve)
    bad_bodies: list[dict[str, object]] = [
        {"seeds": []}, {"seeds": ["00"]}, {"seeds": ["00" * 32] * 1001}, {}
    ]
    for bad in bad_bodies:
        expect_error(t.request("POST", LAB_PATHS[0], token=ADMIN, json=bad), 422,
                     "invalid_request")
    stream = t.lab_random("R-1", seeds[0].hex(), 100)
    import hashlib

    digest = CanonicalList(tokens).digest
    first = hashlib.sha256(b"ACS-DRAW-1\x00" + seeds[0] + (3).to_bytes(4, "big") + b"R-1"
                           + digest + (0).to_bytes(8, "big")).digest()
    assert stream[:32] == first and len(stream) == 100
    expect_error(t.request("POST", LAB_PATHS[1], token=ADMIN,
                           json={"seed": seeds[0].hex(), "n_bytes": 16 * 2**20 + 1}),
                 422, "invalid_request")


def test_lab_server_seeds_are_fresh(lab_target: HttpTarget) -> None:
    data = lab_target.lab_server_seeds(1000)
    seeds = {data[i : i + 32] for i in range(0, len(data), 32)}
    assert len(seeds) == 1000
    expect_error(lab_target.request("POST", LAB_PATHS[2], token=ADMIN, json={"count": 65537}),
                 422, "invalid_request")
