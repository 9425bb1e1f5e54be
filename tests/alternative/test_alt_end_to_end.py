"""A whole round on the alternative, checked from the outside as a citizen and the lab would."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from _altkit import ADMIN, close_window
from _systems import national_id, register_many, verify_chain

from harness.cli import main
from harness.fairness.replay import replay_draw
from harness.target import HttpTarget

REVISED_FIELDS = ("round_id", "algorithm", "applicants_digest", "seed", "primary_slots",
                  "reserve_slots", "primary", "reserve")


def canonical_digest(document: dict, fields: tuple[str, ...]) -> str:
    chosen = {name: document[name] for name in fields}
    text = json.dumps(chosen, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_draw(alt: HttpTarget, round_id: str) -> tuple[dict[str, str], dict, bytes]:
    alt.create_round(round_id, 6, 4, 2500)
    tokens = register_many(alt, round_id, 40, first=200_000)
    assert alt.get_round(round_id)["applicants"] == 40
    closed = alt.close_registration(round_id)
    listing = alt.applicant_list(round_id)
    assert closed["applicants"] == 40
    assert closed["applicants_digest"] == hashlib.sha256(listing).hexdigest()
    assert listing.decode().split("\n")[:-1] == sorted(tokens)  # every registration, sorted
    committed = alt.commit(round_id, "pulse 4242 of a public beacon")
    results = alt.draw(round_id, "BEEF00")
    assert results["seed_commitment"] == committed["seed_commitment"]
    assert results["beacon_source"] == "pulse 4242 of a public beacon"
    assert results["beacon"] == "beef00"
    return tokens, results, listing


def test_a_published_draw_replays_with_the_harness(alt: HttpTarget, tmp_path: Path) -> None:
    tokens, results, listing = published_draw(alt, "E2E-replay")
    server_seed = bytes.fromhex(results["server_seed"])
    commitment = hashlib.sha256(b"ACS-COMMIT-1\x00" + server_seed).hexdigest()
    seed = hashlib.sha256(b"ACS-SEED-1\x00" + server_seed + bytes.fromhex("beef00")).digest()
    assert results["seed_commitment"] == commitment and results["seed"] == seed.hex()
    replay = replay_draw("E2E-replay", listing.decode().split(), 6, 4, seed)
    assert (results["primary"], results["reserve"]) == (replay.primary, replay.reserve)
    assert (results["primary_slots"], results["reserve_slots"], results["applicants"]) == (6, 4, 40)
    assert results["results_digest"] == canonical_digest(results, REVISED_FIELDS)
    assert alt.results("E2E-replay") == results
    _harness_verifies(results, listing, tmp_path)


def _harness_verifies(results: dict, listing: bytes, tmp_path: Path) -> None:
    """``harness draw --verify`` on the results object and the published list: every check ok."""
    (tmp_path / "results.json").write_text(json.dumps(results))
    (tmp_path / "applicants.txt").write_bytes(listing)
    args = ["draw", "--verify", str(tmp_path / "results.json"),
            "--applicants", str(tmp_path / "applicants.txt")]
    with pytest.MonkeyPatch.context() as patch:
        printed: list[str] = []
        patch.setattr("builtins.print", lambda *a, **k: printed.append(" ".join(map(str, a))))
        code = main(args)
    assert code == 0
    assert [line for line in printed if line.startswith("FAIL")] == []
    assert "the published draw replays exactly" in printed


def test_deposits_promotion_and_the_audit_chain(alt: HttpTarget) -> None:
    tokens, results, _ = published_draw(alt, "E2E-round")
    primary, reserve = results["primary"], results["reserve"]
    acknowledged = {}
    for applicant in primary[:4]:  # two primaries never pay
        answer = alt.deposit("E2E-round", tokens[applicant], 2500, f"pay-{applicant}")
        assert answer.status_code == 201
        acknowledged[applicant] = answer.json()
    closed = close_window(alt, "E2E-round", "drawn").json()
    assert closed == {"state": "promotion", "promoted": reserve[:2]}
    assert alt.promotions("E2E-round") == reserve[:2]
    answer = alt.deposit("E2E-round", tokens[reserve[0]], 2500, "late")
    assert answer.status_code == 201
    acknowledged[reserve[0]] = answer.json()
    assert close_window(alt, "E2E-round", "promotion").json() == {"state": "final",
                                                                  "promoted": []}
    assert alt.get_round("E2E-round")["state"] == "final"
    ledger = {entry["applicant_id"]: entry for entry in alt.ledger("E2E-round")}
    assert set(ledger) == set(acknowledged)
    for applicant, deposit in acknowledged.items():
        assert {k: ledger[applicant][k] for k in deposit} == deposit
    entries = alt.audit("E2E-round")
    verify_chain(entries, "E2E-round")
    events = [entry["event"] for entry in entries]
    assert events == ["round_created", "closed", "committed", "drawn", *["deposit"] * 4,
                      "promotion", "deposit", "final"]
    assert alt.results("E2E-round") == results  # results never change


def test_identifiers_and_tokens_follow_this_systems_own_formats(alt: HttpTarget) -> None:
    alt.create_round("E2E-ids", 1, 1, 10)
    made = [alt.register("E2E-ids", national_id(300_000 + i), "A", "B") for i in range(5)]
    for body in made:
        assert re.fullmatch(r"ap_[a-z2-7]{26}", body["applicant_id"])
        assert re.fullmatch(r"alt\.[A-Za-z0-9_-]{64}", body["token"])
    assert len({body["token"] for body in made}) == 5


def test_the_round_object_and_health(alt: HttpTarget) -> None:
    health = alt.health()
    assert health["contract"] == "ASTI-1" and health["status"] == "ok"
    created = alt.create_round("E2E-obj", 7, 3, 99)
    for field, value in {"round_id": "E2E-obj", "state": "registration", "primary_slots": 7,
                         "reserve_slots": 3, "deposit_amount": 99, "applicants": 0}.items():
        assert created[field] == value
    answer = alt.request("GET", "/v1/rounds/E2E-obj/results")
    assert answer.status_code == 409 and answer.json()["error"] == "not_drawn"
    assert alt.operator("GET", "/v1/rounds/E2E-obj/audit").headers["cache-control"] == "no-store"
    assert ADMIN not in alt.request("GET", "/v1/rounds/E2E-obj").text
