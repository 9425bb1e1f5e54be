"""F-07's bytes: the harness's own step-3 stream, batching of server seeds, stream comparison."""

from __future__ import annotations

import hashlib
import json

import requests
from _transports import stub_target

from harness.fairness.rng_sources import own_stream, pull_server_seeds, pull_streams
from harness.seeds import RunSeed

DIGEST = hashlib.sha256(b"a\nb\n").digest()


def block(seed: bytes, round_id: str, index: int) -> bytes:
    """ACS-DRAW-1 step 3, written out from the algorithm's text."""
    name = round_id.encode()
    return hashlib.sha256(b"ACS-DRAW-1\x00" + seed + len(name).to_bytes(4, "big") + name
                          + DIGEST + index.to_bytes(8, "big")).digest()


def test_own_stream_is_the_step3_blocks_in_order() -> None:
    seed = bytes(range(32))
    expected = b"".join(block(seed, "R-1", i) for i in range(5))
    assert own_stream(seed, "R-1", DIGEST, 150) == expected[:150]


def test_server_seeds_come_in_calls_of_at_most_65536() -> None:
    counts: list[int] = []

    def handler(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        count = json.loads(request.body or b"{}")["count"]
        counts.append(count)
        return 200, {"Content-Type": "application/octet-stream"}, b"\x01" * (32 * count)

    data = pull_server_seeds(stub_target(handler, "op"), 32 * 70000 + 5)
    assert counts == [65536, 70000 - 65536 + 1] and len(data) == 32 * 70000 + 5


def stream_server(corrupt_at: int | None) -> object:
    def handler(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = json.loads(request.body or b"{}")
        data = bytearray(own_stream(bytes.fromhex(body["seed"]), "R", DIGEST, body["n_bytes"]))
        if corrupt_at is not None:
            data[corrupt_at] ^= 1
        return 200, {"Content-Type": "application/octet-stream"}, bytes(data)

    return handler


def test_a_faithful_stream_compares_equal_and_a_changed_byte_is_located() -> None:
    seed = RunSeed(bytes(32))
    data, comparisons = pull_streams(stub_target(stream_server(None), "op"),  # type: ignore[arg-type]
                                     seed, "R", DIGEST, 4096)
    assert len(data) == 4096 and [c.equal for c in comparisons] == [True]
    _, changed = pull_streams(stub_target(stream_server(1000), "op"),  # type: ignore[arg-type]
                              seed, "R", DIGEST, 4096)
    assert not changed[0].equal and changed[0].first_difference == 1000
