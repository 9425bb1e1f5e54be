"""ACS-DRAW-1: both implementations against the published vectors and against each other."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fairness import replay
from targets.reference import draw as reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "draw-algorithm.md"
ids_strategy = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=1,
    max_size=64,
)
id_lists = st.lists(ids_strategy, unique=True, max_size=60)
seeds = st.binary(min_size=32, max_size=32)
slots = st.integers(min_value=0, max_value=80)
round_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)


def doc_vectors() -> list[dict]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [json.loads(block) for block in blocks if '"expected"' in block]


def run_both(vector: dict) -> list[dict]:
    args = (
        vector["round_id"],
        vector["applicant_ids"],
        vector["primary_slots"],
        vector["reserve_slots"],
        bytes.fromhex(vector["seed"]),
    )
    return [replay.replay_draw(*args).as_dict(), reference.draw(*args).as_dict()]


def test_the_document_carries_the_vectors_of_the_design() -> None:
    assert len(doc_vectors()) == 5


@pytest.mark.parametrize("vector", doc_vectors(), ids=lambda v: v["round_id"])
def test_both_implementations_reproduce_each_documented_vector(vector: dict) -> None:
    for result in run_both(vector):
        for field, expected in vector["expected"].items():
            assert result[field] == expected, field


@pytest.mark.parametrize("module", [replay, reference])
def test_seed_commitment_and_derivation_vectors(module) -> None:
    server_seed = b"\x11" * 32
    assert module.seed_commitment(server_seed).hex() == (
        "2a41d447f792fdf8a940e2f050493ea4b149d27975e28fe0eb173df2d80550e2"
    )
    assert module.derive_seed(server_seed, bytes.fromhex("beef")).hex() == (
        "9e11cca73f8bac142d6e541b5aa641528c2c7fe855762e5ea06217e1e4d3d3fe"
    )
    assert module.derive_seed(server_seed, b"").hex() == (
        "c9c2d5e23865e2b9d5f694e05e09dacca5991f42fee3dca59d6a89da729218e1"
    )


PUBLISHED_RESULTS_DIGEST = "ad54a22c015000cc99b50d49097ff45c6fea8a93da40323891c95f25c93e1363"


def test_both_implementations_reproduce_the_published_results_digest() -> None:
    """The contract's vector: ids A000..A009, K=3, R=2, seed 00..1f, round R-1."""
    ids = [f"A{i:03d}" for i in range(10)]
    ours = replay.replay_draw("R-1", ids, 3, 2, bytes(range(32))).as_dict()
    theirs = reference.draw("R-1", ids, 3, 2, bytes(range(32)))
    assert ours["results_digest"] == theirs.results_digest == PUBLISHED_RESULTS_DIGEST
    assert replay.results_digest(ours) == PUBLISHED_RESULTS_DIGEST
    assert (ours["primary_slots"], ours["reserve_slots"]) == (3, 2)


def test_the_results_digest_covers_the_slot_counts() -> None:
    """K=4, R=1 draws the same five ids in the same order; only the split (and digest) differ."""
    ids = [f"A{i:03d}" for i in range(10)]
    shifted = replay.replay_draw("R-1", ids, 4, 1, bytes(range(32))).as_dict()
    assert shifted["primary"] + shifted["reserve"] == ["A007", "A003", "A002", "A008", "A001"]
    assert shifted["results_digest"] != PUBLISHED_RESULTS_DIGEST
    relabelled = {**shifted, "primary_slots": 3, "reserve_slots": 2}
    assert replay.results_digest(relabelled) != PUBLISHED_RESULTS_DIGEST


def test_results_digest_is_the_same_in_both_implementations() -> None:
    result = replay.replay_draw("R-1", ["b", "a"], 1, 1, bytes(32)).as_dict()
    assert replay.results_digest(result) == reference.results_digest(
        "R-1", result["applicants_digest"], result["seed"], 1, 1, result["primary"],
        result["reserve"],
    )


@given(round_ids, id_lists, slots, slots, seeds)
def test_the_implementations_agree(round_id, ids, k, r, seed) -> None:
    ours, theirs = (
        replay.replay_draw(round_id, ids, k, r, seed),
        reference.draw(round_id, ids, k, r, seed),
    )
    assert ours.as_dict() == theirs.as_dict()


@given(round_ids, id_lists, slots, slots, seeds)
def test_lists_are_disjoint_eligible_and_correctly_sized(round_id, ids, k, r, seed) -> None:
    result = replay.replay_draw(round_id, ids, k, r, seed)
    n = len(ids)
    assert len(result.primary) == min(k, n)
    assert len(result.reserve) == min(k + r, n) - min(k, n)
    chosen = result.primary + result.reserve
    assert len(set(chosen)) == len(chosen)
    assert set(chosen) <= set(ids)


@given(round_ids, id_lists, slots, slots, seeds, st.randoms(use_true_random=False))
def test_result_is_deterministic_and_ignores_input_order(round_id, ids, k, r, seed, rnd) -> None:
    shuffled = list(ids)
    rnd.shuffle(shuffled)
    first = replay.replay_draw(round_id, ids, k, r, seed)
    assert replay.replay_draw(round_id, ids, k, r, seed) == first
    assert replay.replay_draw(round_id, shuffled, k, r, seed) == first
    assert reference.draw(round_id, shuffled, k, r, seed).as_dict() == first.as_dict()


@given(st.lists(ids_strategy, unique=True, min_size=50, max_size=120), seeds, seeds)
def test_different_seeds_give_different_results(ids, seed_a, seed_b) -> None:
    # Two seeds agree on an ordered pick of 5 from >= 50 with probability < 4e-9.
    if seed_a != seed_b:
        a = replay.replay_draw("R", ids, 3, 2, seed_a)
        b = replay.replay_draw("R", ids, 3, 2, seed_b)
        assert (a.primary, a.reserve) != (b.primary, b.reserve)


@given(round_ids, id_lists, slots, slots, slots, seeds)
def test_more_slots_extend_a_draw_without_reordering_it(round_id, ids, k, r, extra, seed) -> None:
    small = replay.replay_draw(round_id, ids, k, r, seed)
    large = replay.replay_draw(round_id, ids, k, r + extra, seed)
    assert large.primary == small.primary
    assert large.reserve[: len(small.reserve)] == small.reserve


@given(id_lists)
def test_canonical_order_is_byte_order_and_digest_hashes_the_published_lines(ids) -> None:
    canonical = replay.CanonicalList(ids)
    expected = sorted(i.encode() for i in ids)
    assert list(canonical.ids) == expected
    assert canonical.published == b"".join(i + b"\n" for i in expected)
    assert reference.EligibleList(ids).text == canonical.published


@pytest.mark.parametrize("build", [replay.CanonicalList, reference.EligibleList])
def test_duplicate_ids_are_refused(build) -> None:
    with pytest.raises(ValueError, match="duplicate applicant id 'x1'"):
        build(["x1", "y", "x1"])


def test_rejection_sampling_discards_words_at_or_above_the_limit() -> None:
    m = 3
    limit = 2**64 - (2**64 % m)  # 2**64 - 1: only the very top word is rejected
    assert replay._below(iter([limit, limit - 1]), m) == (limit - 1) % m
    assert replay._below(iter([limit - 2]), m) == (limit - 2) % m


def test_reference_rejection_sampling_takes_the_next_word() -> None:
    words = reference._Words(bytes(32), "R", bytes(32))
    words._pending = [5, 2**64 - 1]  # popped from the end: the rejected word comes first
    assert words.uniform(3) == 5 % 3


def test_word_stream_reads_four_big_endian_words_per_block() -> None:
    import hashlib

    digest = bytes(32)
    head = b"ACS-DRAW-1\x00" + bytes(32) + (1).to_bytes(4, "big") + b"R" + digest
    block = hashlib.sha256(head + (0).to_bytes(8, "big")).digest()
    stream = replay.word_stream(bytes(32), "R", digest)
    assert [next(stream) for _ in range(4)] == [
        int.from_bytes(block[i : i + 8], "big") for i in range(0, 32, 8)
    ]


def test_reference_random_stream_is_the_block_stream() -> None:
    digest = replay.CanonicalList(["a", "b"]).digest
    stream = reference.random_stream(bytes(32), "R", digest, 40)
    words = replay.word_stream(bytes(32), "R", digest)
    expected = b"".join(next(words).to_bytes(8, "big") for _ in range(5))
    assert stream == expected


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33)])
def test_a_seed_must_be_32_bytes(seed) -> None:
    with pytest.raises(ValueError):
        replay.replay_draw("R", ["a"], 1, 0, seed)
    with pytest.raises(ValueError):
        reference.draw("R", ["a"], 1, 0, seed)
