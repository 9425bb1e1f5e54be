"""F-06's checks on one real round, from what the lab asked for and what was published."""

from __future__ import annotations

from types import SimpleNamespace

from harness.fairness.replay import derive_seed, replay_draw, results_digest, seed_commitment
from harness.fairness.replay_rounds import _public_checks, _replay_checks

SPEC = SimpleNamespace(primary_slots=2, reserve_slots=1)
SERVER_SEED, BEACON = bytes([0x11] * 32), bytes.fromhex("beef")
IDS = ["a", "b", "c", "d"]


def published() -> dict:
    seed = derive_seed(SERVER_SEED, BEACON)
    replay = replay_draw("R-1", IDS, 2, 1, seed)
    result = {**replay.as_dict(), "seed_commitment": seed_commitment(SERVER_SEED).hex(),
              "server_seed": SERVER_SEED.hex(), "beacon": BEACON.hex(), "beacon_source": "src",
              "primary_slots": 2, "reserve_slots": 1}
    result["results_digest"] = results_digest(result)
    return result


def failing(checks: list[dict]) -> list[str]:
    return [check["name"] for check in checks if not check["ok"]]


def test_a_faithful_round_passes_every_check() -> None:
    result = published()
    commit = {"seed_commitment": result["seed_commitment"].upper()}  # input hex: any case
    checks = _public_checks(SPEC, commit, result, result, "beef", "src")
    checks += _replay_checks(result, b"d\nc\nb\na\n")
    assert failing(checks) == []


def test_a_commitment_other_than_the_one_published_at_commit_fails() -> None:
    result = published()
    checks = _public_checks(SPEC, {"seed_commitment": "00" * 32}, result, result, "beef", "src")
    assert failing(checks) == ["seed_commitment as committed"]


def test_a_draw_without_the_given_beacon_or_with_other_slots_fails() -> None:
    result = {**published(), "beacon": "", "primary_slots": 3}
    commit = {"seed_commitment": result["seed_commitment"]}
    names = failing(_public_checks(SPEC, commit, result, result, "beef", "src"))
    assert names == ["beacon as given at the draw", "primary_slots as created"]


def test_lists_that_do_not_replay_or_a_malformed_list_fail() -> None:
    result = published()
    swapped = {**result, "primary": list(reversed(result["primary"]))}
    assert "primary" in failing(_replay_checks(swapped, b"a\nb\nc\nd\n"))
    assert failing(_replay_checks(result, b"a\na\nb\n")) == ["published applicant list"]
