"""The weak-construction search of S-05 finds the constructions it names, and nothing else."""

from __future__ import annotations

import hashlib
import random
import secrets
import time

from harness.security.weak_seeds import clock_candidates, describe_limits, random_candidates


def test_finds_a_hashed_millisecond_clock() -> None:
    now = time.time()
    seed = hashlib.sha256(str(int(now * 1000) - 1234).encode()).digest()
    assert seed in clock_candidates(now, now + 0.01, 3)


def test_finds_a_raw_second_clock_and_a_clock_seeded_mersenne_twister() -> None:
    now = 1_700_000_000.5
    raw = int(now).to_bytes(8, "big").ljust(32, b"\0")
    twister = random.Random(int(now) + 2).randbytes(32)  # noqa: S311 - the weak construction
    found = clock_candidates(now, now, 3)
    assert raw in found and twister in found


def test_finds_small_integer_seeds_of_python_random() -> None:
    state = random.Random(4000)  # noqa: S311
    assert state.getrandbits(256).to_bytes(32, "big") in random_candidates(4096)


def test_csprng_seeds_are_not_found() -> None:
    now = time.time()
    found = clock_candidates(now, now, 1) | random_candidates(512)
    assert not any(secrets.token_bytes(32) in found for _ in range(100))


def test_limits_name_the_bounds() -> None:
    text = describe_limits(3, 4096)
    assert "3 s" in text and "0..4095" in text and "not tried" in text
