"""The audit chain is recomputed from the contract's own definition (docs/contract.md section 9)."""

from __future__ import annotations

import copy
import hashlib

import pytest

from harness.invariants.audit_chain import canonical_json, chain_problem, lifecycle_events


def _chain(round_id: str, events: list[str]) -> list[dict]:
    entries, prev = [], "0" * 64
    for seq, event in enumerate(events, start=1):
        body = {"seq": seq, "at": f"2026-03-01T09:00:0{seq % 10}Z", "event": event,
                "data": {"round_id": round_id, "n": seq}}
        digest = hashlib.sha256((prev + canonical_json(body)).encode()).hexdigest()
        entries.append({**body, "prev_hash": prev, "hash": digest})
        prev = digest
    return entries


def test_the_contracts_worked_example_hashes_as_published() -> None:
    body = {"seq": 1, "at": "2026-03-01T09:00:00Z", "event": "round_created",
            "data": {"round_id": "R-1"}}
    text = canonical_json(body)
    assert text == '{"at":"2026-03-01T09:00:00Z","data":{"round_id":"R-1"},' \
                   '"event":"round_created","seq":1}'
    digest = hashlib.sha256(("0" * 64 + text).encode()).hexdigest()
    assert digest == "0613596575b7d02b6b7518dab230f839553e2906291988ef54ec75bf728446ed"


@pytest.mark.parametrize(("value", "text"), [
    (1.0, "1"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (-0.5, "-0.5"),
    (123.25, "123.25"), (1.5e300, "1.5e+300"), (True, "true"),
    ({"b": [None, "é"], "a": 2}, '{"a":2,"b":[null,"é"]}'),
])
def test_canonical_json_follows_rfc_8785_for_the_values_audit_data_may_hold(value, text) -> None:
    assert canonical_json(value) == text


def test_a_correct_chain_verifies_and_records_the_lifecycle() -> None:
    entries = _chain("R-1", ["round_created", "closed", "committed", "drawn", "deposit",
                             "note", "promotion", "final"])
    assert chain_problem(entries, "R-1") is None
    assert lifecycle_events(entries, "final", deposits=1) is None


@pytest.mark.parametrize("tamper", ["hash", "prev_hash", "seq", "data", "at", "round"])
def test_any_altered_entry_breaks_the_chain(tamper: str) -> None:
    entries = copy.deepcopy(_chain("R-1", ["round_created", "closed", "committed"]))
    entry = entries[1]
    if tamper == "hash":
        entry["hash"] = "0" * 64
    elif tamper == "prev_hash":
        entry["prev_hash"] = entries[2]["hash"]
    elif tamper == "seq":
        entry["seq"] = 5
    elif tamper == "data":
        entry["data"]["n"] = 99
    elif tamper == "at":
        entry["at"] = "2026-03-01T09:00:00.000Z"
    else:
        entry["data"]["round_id"] = "R-2"
    assert chain_problem(entries, "R-1") is not None


def test_missing_transitions_and_unlogged_deposits_are_reported() -> None:
    entries = _chain("R-1", ["round_created", "closed", "drawn"])
    assert "committed" in (lifecycle_events(entries, "drawn", deposits=0) or "")
    full = _chain("R-1", ["round_created", "closed", "committed", "drawn"])
    assert lifecycle_events(full, "drawn", deposits=1) is not None
    assert chain_problem([], "R-1") is not None
