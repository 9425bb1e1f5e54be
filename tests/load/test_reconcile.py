"""The ledger check: a clean history passes; each kind of violation is found with an example."""

from __future__ import annotations

from typing import Any

from harness.load.reconcile import ACKNOWLEDGED, REFUSED, UNKNOWN, outcome_of, reconcile

ENTITLED = ["A1", "A2", "A3"]


def attempt(key: str, sent_as: str | None, status: int, *, deposit_id: str | None = None,
            code: str | None = None, amount: int = 100) -> dict[str, Any]:
    return {"key": key, "sent_as": sent_as, "status": status, "deposit_id": deposit_id,
            "code": code, "amount": amount}


def entry(deposit_id: str, applicant: str, key: str, amount: int = 100) -> dict[str, Any]:
    return {"deposit_id": deposit_id, "applicant_id": applicant, "idempotency_key": key,
            "amount": amount, "created_at": "2026-01-01T00:00:00Z"}


def clean_history() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    attempts = [
        attempt("k1", "A1", 201, deposit_id="d1"),
        attempt("k1", "A1", 200, deposit_id="d1"),                     # a replay
        attempt("k2", "A1", 409, code="already_deposited"),             # double, new key
        attempt("k3", "A2", 0),                                          # timed out ...
        attempt("k3", "A2", 409, code="request_in_progress"),
        attempt("k3", "A2", 200, deposit_id="d2"),                     # ... then served
        attempt("k4", "L1", 403, code="not_entitled"),
        attempt("k5", None, 401, code="unauthorized"),
        attempt("k6", "A3", 503),                                        # never answered
    ]
    return attempts, [entry("d1", "A1", "k1"), entry("d2", "A2", "k3")]


def test_outcomes_are_what_a_client_may_conclude() -> None:
    assert outcome_of(attempt("k", "A", 201, deposit_id="d")) == ACKNOWLEDGED
    assert outcome_of(attempt("k", "A", 201)) == UNKNOWN  # no deposit in the answer
    assert outcome_of(attempt("k", "A", 403, code="not_entitled")) == REFUSED
    for status, code in ((0, None), (503, "unavailable"), (408, None), (429, None),
                         (409, "request_in_progress"), (500, None)):
        assert outcome_of(attempt("k", "A", status, code=code)) == UNKNOWN


def test_a_clean_history_reconciles_within_its_bounds() -> None:
    attempts, ledger = clean_history()
    result = reconcile(attempts, ledger, ENTITLED)
    assert result.ok and result.acknowledged == 2 and result.unknown_keys == 1
    assert result.to_dict()["bounds"] == [2, 3]
    # the unknown payment may have been applied: still within bounds
    assert reconcile(attempts, [*ledger, entry("d3", "A3", "k6")], ENTITLED).ok


def kinds(attempts: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> set[str]:
    result = reconcile(attempts, ledger, ENTITLED, max_examples=2)
    found = {kind for kind, count in result.violations.items() if count}
    assert set(result.examples) == found  # every violation comes with an example
    return found


def test_each_kind_of_violation_is_found() -> None:
    attempts, ledger = clean_history()
    assert kinds(attempts, ledger[1:]) == {"lost", "total_out_of_bounds"}
    assert kinds(attempts, [*ledger, entry("d9", "A1", "k2")]) >= {"duplicate",
                                                                   "refused_but_recorded"}
    assert "not_entitled" in kinds(attempts, [*ledger, entry("d9", "L1", "k4")])
    assert "unexplained" in kinds(attempts, [*ledger, entry("d9", "A3", "never-sent")])
    assert "altered" in kinds(attempts, [entry("d1", "A1", "k1", amount=5), ledger[1]])
    assert "duplicate_id" in kinds(attempts, [*ledger, entry("d1", "A3", "k6")])
    replayed = [*attempts, attempt("k1", "A1", 200, deposit_id="other")]
    assert "replay_mismatch" in kinds(replayed, ledger)


def test_an_impostors_payment_credited_to_the_winner_it_named_is_unexplained() -> None:
    attempts = [attempt("k7", "L1", 201, deposit_id="d7")]
    result = reconcile(attempts, [entry("d7", "A1", "k7")], ENTITLED)
    assert result.violations["altered"] == 1 and result.violations["unexplained"] == 1
    assert result.examples["unexplained"][0]["key_sent_by"] == ["L1"]


def test_examples_are_capped() -> None:
    attempts = [attempt(f"k{i}", "A1", 201, deposit_id=f"d{i}") for i in range(30)]
    result = reconcile(attempts, [], ENTITLED, max_examples=3)
    assert result.violations["lost"] == 30 and len(result.examples["lost"]) == 3
