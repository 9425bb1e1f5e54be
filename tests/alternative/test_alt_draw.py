"""The alternative's own ACS-DRAW-1: the design's vectors, rejection, and the harness's replay."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fairness import replay
from targets.alternative import acsdraw
from targets.alternative.acsdraw import FrozenList

DOC = Path(__file__).resolve().parents[2] / "docs" / "draw-algorithm.md"
SERVER_SEED = b"\x11" * 32


def doc_vectors() -> list[dict]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [json.loads(block) for block in blocks if '"expected"' in block]


@pytest.mark.parametrize("vector", doc_vectors(), ids=lambda v: v["round_id"])
def test_each_published_vector_is_reproduced(vector: dict) -> None:
    frozen = FrozenList(vector["applicant_ids"])
    drawn = acsdraw.draw(vector["round_id"], frozen, vector["primary_slots"],
                         vector["reserve_slots"], bytes.fromhex(vector["seed"]))
    expected = vector["expected"]
    assert len(frozen) == expected["applicants"]
    assert frozen.digest.hex() == expected["applicants_digest"]
    assert (drawn.primary, drawn.reserve) == (expected["primary"], expected["reserve"])


def test_the_design_vectors_of_section_3() -> None:
    assert FrozenList([]).digest.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    frozen = FrozenList([f"A00{i}" for i in range(10)])
    seed = bytes(range(32))
    drawn = acsdraw.draw("R-1", frozen, 3, 2, seed)
    assert frozen.digest.hex() == "b74d34be5bb244f0a71def754e1be1843c5f2c202b0796db928093bb5a9209b1"
    assert (drawn.primary, drawn.reserve) == (["A007", "A003", "A002"], ["A008", "A001"])
    digest = acsdraw.results_digest("R-1", frozen.digest.hex(), seed.hex(), (3, 2),
                                    drawn.primary, drawn.reserve)
    assert digest == "ad54a22c015000cc99b50d49097ff45c6fea8a93da40323891c95f25c93e1363"
    assert acsdraw.commitment_of(SERVER_SEED).hex() == (
        "2a41d447f792fdf8a940e2f050493ea4b149d27975e28fe0eb173df2d80550e2")
    beef = acsdraw.seed_from(SERVER_SEED, bytes.fromhex("beef"))
    assert beef.hex() == "9e11cca73f8bac142d6e541b5aa641528c2c7fe855762e5ea06217e1e4d3d3fe"
    assert acsdraw.seed_from(SERVER_SEED, b"").hex() == (
        "c9c2d5e23865e2b9d5f694e05e09dacca5991f42fee3dca59d6a89da729218e1")
    small = acsdraw.draw("round_2026", FrozenList(["zeta", "Alpha", "alpha", "_x", "-y", "9"]),
                         2, 10, beef)
    assert (small.primary, small.reserve) == (["Alpha", "alpha"], ["-y", "zeta", "_x", "9"])


def test_the_results_digest_is_over_the_eight_canonical_fields() -> None:
    """Sorted keys, no spaces, the slot counts included: the design's first vector."""
    text = (
        '{"algorithm":"ACS-DRAW-1","applicants_digest":"b74d34be5bb244f0a71def754e1be1843c5f2c20'
        '2b0796db928093bb5a9209b1","primary":["A007","A003","A002"],"primary_slots":3,'
        '"reserve":["A008","A001"],"reserve_slots":2,"round_id":"R-1","seed":"000102030405060708'
        '090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}'
    )
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "ad54a22c015000cc99b50d49097ff45c6fea8a93da40323891c95f25c93e1363")


class _ScriptedWords:
    """A stand-in for the word stream, to force rejections."""

    def __init__(self, words: list[int]) -> None:
        self.words = list(words)

    def extend(self, blocks: int) -> None:
        raise AssertionError("the scripted words ran out")


def test_a_word_at_or_above_the_limit_is_rejected_and_the_next_one_used() -> None:
    # For m = 3 the limit is 2^64 - (2^64 mod 3) = 2^64 - 1: the largest word is rejected.
    top = 2**64 - 1
    positions = acsdraw._chosen_positions(3, 2, _ScriptedWords([top, 5, top, top, 7]))
    # slot 0: word 5 -> 5 mod 3 = 2; slot 1: two rejections, then 7 mod 2 = 1 -> j = 2.
    assert positions == [2, 0]


def test_the_random_stream_is_the_blocks_in_order() -> None:
    digest = FrozenList(["a", "b"]).digest
    seed = bytes(range(32))
    head = b"ACS-DRAW-1\x00" + seed + (3).to_bytes(4, "big") + b"R-9" + digest
    blocks = b"".join(hashlib.sha256(head + i.to_bytes(8, "big")).digest() for i in range(3))
    assert acsdraw.random_stream(seed, "R-9", digest, 70) == blocks[:70]


ids_strategy = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=1, max_size=64,
)


@given(
    ids=st.lists(ids_strategy, unique=True, max_size=60),
    primary=st.integers(0, 80),
    reserve=st.integers(0, 80),
    seed=st.binary(min_size=32, max_size=32),
    round_id=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
)
def test_it_agrees_with_the_harness_replay(ids, primary, reserve, seed, round_id) -> None:
    mine = acsdraw.draw(round_id, FrozenList(ids), primary, reserve, seed)
    theirs = replay.replay_draw(round_id, ids, primary, reserve, seed)
    assert (mine.primary, mine.reserve) == (theirs.primary, theirs.reserve)


@given(ids=st.lists(ids_strategy, unique=True, min_size=1, max_size=40),
       seed=st.binary(min_size=32, max_size=32))
def test_the_sparse_shuffle_equals_a_full_fisher_yates(ids, seed) -> None:
    frozen = FrozenList(ids)
    size = len(frozen)
    words = acsdraw._Words(seed, "R", frozen.digest, size)
    full = list(frozen.ids)
    for i in range(size):
        limit = 2**64 - 2**64 % (size - i)
        while (word := words.words.pop(0)) >= limit:
            pass
        j = i + word % (size - i)
        full[i], full[j] = full[j], full[i]
    drawn = acsdraw.draw("R", frozen, size, 0, seed)
    assert drawn.primary == full
