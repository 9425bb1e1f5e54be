"""Verifying published draws: harness draw --json output and ASTI-1 results objects."""

from __future__ import annotations

import pytest

from harness.errors import TargetError
from harness.fairness.replay import (
    CanonicalList,
    derive_seed,
    replay_draw,
    results_digest,
    seed_commitment,
)
from harness.fairness.verify import MalformedResult, verify_published, verify_round

IDS = [f"P{i:04d}" for i in range(200)]


def published_results(beacon: bytes = b"\xbe\xef") -> dict:
    """An ASTI-1 results object built the way a correct system builds it."""
    server_seed = bytes(range(32))
    seed = derive_seed(server_seed, beacon)
    result = replay_draw("R-7", IDS, 10, 5, seed).as_dict()
    result.update(
        seed_commitment=seed_commitment(server_seed).hex(),
        beacon_source="pulse 42",
        server_seed=server_seed.hex(),
        beacon=beacon.hex(),
        published_at="2026-11-29T12:00:00Z",
    )
    result["results_digest"] = results_digest(result)
    return result


def test_a_correct_results_object_verifies() -> None:
    verification = verify_published(published_results(), CanonicalList(IDS))
    assert verification.ok
    names = [check.name for check in verification.checks]
    assert {"seed_commitment", "seed derivation", "primary", "reserve", "results_digest"} <= set(
        names
    )


def test_an_empty_beacon_verifies() -> None:
    assert verify_published(published_results(beacon=b""), CanonicalList(IDS)).ok


def test_a_swapped_reserve_names_the_first_differing_rank() -> None:
    result = published_results()
    result["reserve"][1], result["reserve"][2] = result["reserve"][2], result["reserve"][1]
    verification = verify_published(result, CanonicalList(IDS))
    assert not verification.ok
    assert verification.failures[0].detail.startswith("reserve[1] (rank 2)")


def test_a_reserve_shown_as_primary_is_caught() -> None:
    result = published_results()
    result["primary"].append(result["reserve"].pop(0))
    assert not verify_published(result, CanonicalList(IDS)).ok


def test_a_server_seed_that_does_not_match_the_commitment_is_caught() -> None:
    result = published_results()
    result["seed_commitment"] = seed_commitment(bytes(32)).hex()
    failures = verify_published(result, CanonicalList(IDS)).failures
    assert [f.name for f in failures] == ["seed_commitment"]


def test_a_seed_not_derived_from_the_beacon_is_caught() -> None:
    result = published_results()
    result["beacon"] = "00"
    failures = verify_published(result, CanonicalList(IDS)).failures
    assert failures[0].name == "seed derivation"


def test_a_different_applicant_list_is_caught() -> None:
    result = published_results()
    failures = verify_published(result, CanonicalList(IDS[:-1])).failures
    assert {"applicants", "applicants_digest"} <= {f.name for f in failures}


@pytest.mark.parametrize(
    ("field", "value"),
    [("seed", "zz"), ("seed", "00"), ("primary", "A1"), ("round_id", 7), ("server_seed", None)],
)
def test_malformed_documents_are_reported_not_crashed_on(field, value) -> None:
    result = published_results()
    result[field] = value
    with pytest.raises(MalformedResult):
        verify_published(result, CanonicalList(IDS))


def test_a_reserve_moved_into_primary_with_unchanged_slots_is_a_size_difference() -> None:
    result = published_results()
    result["primary"].append(result["reserve"].pop(0))
    failures = verify_published(result, CanonicalList(IDS)).failures
    assert failures[0].name == "primary size"
    assert failures[0].detail == (
        "primary size: published 11 ids, primary_slots=10, reserve_slots=5, 200 applicants give 10"
    )
    assert "reserve size" in {f.name for f in failures}


def test_a_consistently_shifted_result_fails_on_its_published_digest() -> None:
    """Slots and lists moved together still replay as a prefix; the cited digest does not."""
    result = published_results()
    result["primary"].append(result["reserve"].pop(0))
    result["primary_slots"], result["reserve_slots"] = 11, 4
    failures = verify_published(result, CanonicalList(IDS)).failures
    assert [f.name for f in failures] == ["results_digest"]


@pytest.mark.parametrize(
    ("field", "name"), [("reserve", "reserve size"), ("primary", "primary size")]
)
def test_truncated_lists_are_caught_by_their_size(field, name) -> None:
    result = published_results()
    result[field].pop()
    failures = verify_published(result, CanonicalList(IDS)).failures
    assert failures[0].name == name


def test_the_replay_uses_the_slot_fields_not_the_list_lengths() -> None:
    result = published_results()
    del result["reserve"][2:]
    checks = {c.name: c for c in verify_published(result, CanonicalList(IDS)).checks}
    assert not checks["reserve size"].ok
    assert checks["reserve"].detail == "reserve: published 2 ids, replay gives 5"


def test_sizes_follow_min_k_n_when_applicants_are_few() -> None:
    ids = IDS[:12]
    seed = bytes(32)
    result = replay_draw("R-8", ids, 10, 5, seed).as_dict()
    assert (len(result["primary"]), len(result["reserve"])) == (10, 2)
    assert verify_published(result, CanonicalList(ids)).ok
    result["reserve"].pop()
    assert verify_published(result, CanonicalList(ids)).failures[0].name == "reserve size"


@pytest.mark.parametrize("field", ["primary_slots", "reserve_slots"])
def test_a_result_without_slot_fields_is_malformed(field) -> None:
    result = published_results()
    del result[field]
    with pytest.raises(MalformedResult, match=f"field '{field}' is missing"):
        verify_published(result, CanonicalList(IDS))


@pytest.mark.parametrize("value", [True, -1, "10", 10.0, None])
def test_slot_fields_must_be_whole_numbers(value) -> None:
    result = published_results()
    result["primary_slots"] = value
    with pytest.raises(MalformedResult, match="primary_slots"):
        verify_published(result, CanonicalList(IDS))


class PublishedRound:
    """What a system serves for one round, with the three reads ``verify_round`` makes."""

    def __init__(self, results: dict, listed: bytes, slots: tuple[object, object] = (10, 5)):
        self._results, self._listed = results, listed
        self._round = {"round_id": results["round_id"], "state": "drawn",
                       "primary_slots": slots[0], "reserve_slots": slots[1]}

    def results(self, round_id: str) -> dict:
        return self._results

    def get_round(self, round_id: str) -> dict:
        return self._round

    def applicant_list(self, round_id: str) -> bytes:
        return self._listed


CANONICAL = b"".join(f"{i}\n".encode() for i in sorted(IDS))


def live(published: PublishedRound, round_id: str = "R-7"):
    return verify_round(published, round_id)  # type: ignore[arg-type]


def test_a_live_round_verifies_with_its_extra_checks() -> None:
    verification = live(PublishedRound(published_results(), CANONICAL))
    assert verification.ok
    names = [check.name for check in verification.checks]
    assert names[:4] == ["round_id", "primary_slots", "reserve_slots", "applicant list bytes"]


def test_a_live_list_that_is_not_the_digested_bytes_is_caught() -> None:
    reordered = b"".join(f"{i}\n".encode() for i in reversed(IDS))
    failures = live(PublishedRound(published_results(), reordered)).failures
    assert [f.name for f in failures] == ["applicant list bytes"]


@pytest.mark.parametrize("slots", [(11, 5), (10, 4), ("10", 5), (None, 5)])
def test_live_slot_fields_must_equal_the_rounds(slots) -> None:
    failures = live(PublishedRound(published_results(), CANONICAL, slots)).failures
    assert len(failures) == 1 and failures[0].name in ("primary_slots", "reserve_slots")


def test_live_results_of_another_round_are_caught() -> None:
    failures = live(PublishedRound(published_results(), CANONICAL), "R-8").failures
    assert [f.name for f in failures] == ["round_id"]


@pytest.mark.parametrize("listed", [b"P0001\nnot an id\n", b"P0001\nP0001\n", "\u00e9\n".encode()])
def test_a_live_list_that_is_not_a_list_of_ids_is_a_target_error(listed) -> None:
    with pytest.raises(TargetError, match="not a list of applicant ids"):
        live(PublishedRound(published_results(), listed))
