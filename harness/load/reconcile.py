"""Reconciling the ledger against every client's record, in the manner of Jepsen's checkers.

Each deposit attempt's outcome is what the client saw: *acknowledged* (200/201 with a deposit),
*refused* (a definitive 4xx) or *unknown* (no answer, a 5xx, 408/429, ``request_in_progress``, or
an abort by the scenario: the request may or may not have been applied). Like Jepsen's set
checker, an acknowledged deposit must be in the ledger and nothing may be in it that no client
could have caused; like its counter checker, the ledger's size must lie between what was
acknowledged and what was acknowledged or unknown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ACKNOWLEDGED", "REFUSED", "UNKNOWN", "Reconciliation", "outcome_of", "reconcile"]

ACKNOWLEDGED, REFUSED, UNKNOWN = "acknowledged", "refused", "unknown"
_NOT_DEFINITIVE = (408, 429)


def outcome_of(attempt: Mapping[str, Any]) -> str:
    """What the client may conclude from one attempt's answer."""
    status, code = int(attempt.get("status") or 0), attempt.get("code")
    if status in (200, 201) and attempt.get("deposit_id"):
        return ACKNOWLEDGED
    if 400 <= status < 500 and status not in _NOT_DEFINITIVE and code != "request_in_progress":
        return REFUSED
    return UNKNOWN


def _key_outcome(tries: Sequence[Mapping[str, Any]]) -> str:
    """One key's outcome over its attempts: acknowledged if any was; else refused if any was
    definitively refused (a retry of an applied key must get the original back, so a refusal
    says the key was not applied); else unknown."""
    outcomes = {outcome_of(t) for t in tries}
    return next(o for o in (ACKNOWLEDGED, REFUSED, UNKNOWN) if o in outcomes)


@dataclass(frozen=True)
class Reconciliation:
    """Counts on both sides, and each kind of violation with up to ``max_examples`` examples."""

    attempts: int
    keys: int
    acknowledged: int  # distinct deposit ids acknowledged to clients
    unknown_keys: int  # keys with no acknowledgment and at least one unknown outcome
    ledger: int
    violations: Mapping[str, int]
    examples: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.violations.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts, "keys": self.keys, "acknowledged": self.acknowledged,
            "unknown_keys": self.unknown_keys, "ledger_entries": self.ledger,
            "bounds": [self.acknowledged, self.acknowledged + self.unknown_keys],
            "violations": dict(self.violations),
            "examples": {k: list(v) for k, v in self.examples.items()},
        }


class _Found:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, kind: str, example: dict[str, Any]) -> None:
        self.counts[kind] += 1
        if len(self.examples[kind]) < self.limit:
            self.examples[kind].append(example)


_Keyed = dict[tuple[Any, str], list[Mapping[str, Any]]]


def _by_key(attempts: Iterable[Mapping[str, Any]]) -> _Keyed:
    keyed: _Keyed = defaultdict(list)
    for attempt in attempts:
        keyed[(attempt.get("sent_as"), str(attempt["key"]))].append(attempt)
    return keyed


def _acknowledgments(keyed: _Keyed, found: _Found) -> dict[str, Mapping[str, Any]]:
    """deposit id -> the first attempt acknowledged with it; replays that got another id."""
    acknowledged: dict[str, Mapping[str, Any]] = {}
    for (_, key), tries in keyed.items():
        ids = {str(t["deposit_id"]) for t in tries if outcome_of(t) == ACKNOWLEDGED}
        if len(ids) > 1:
            found.add("replay_mismatch", {"idempotency_key": key, "deposit_ids": sorted(ids)})
        for attempt in tries:
            if outcome_of(attempt) == ACKNOWLEDGED:
                acknowledged.setdefault(str(attempt["deposit_id"]), attempt)
    return acknowledged


def _check_acknowledged(acknowledged: Mapping[str, Mapping[str, Any]],
                        ledger: Mapping[str, Mapping[str, Any]], found: _Found) -> None:
    for deposit_id, attempt in acknowledged.items():
        entry = ledger.get(deposit_id)
        if entry is None:
            found.add("lost", {"deposit_id": deposit_id, "applicant_id": attempt.get("sent_as"),
                               "idempotency_key": attempt["key"], "status": attempt["status"]})
        elif entry.get("applicant_id") != attempt.get("sent_as") or \
                entry.get("amount") != attempt.get("amount"):
            found.add("altered", {"deposit_id": deposit_id, "acknowledged_to":
                                  attempt.get("sent_as"), "ledger": dict(entry)})


def _check_ledger(entries: Sequence[Mapping[str, Any]], keyed: _Keyed, entitled: frozenset[str],
                  found: _Found) -> None:
    for kind, counted in (("duplicate", Counter(str(e.get("applicant_id")) for e in entries)),
                          ("duplicate_id", Counter(str(e.get("deposit_id")) for e in entries))):
        for name, times in counted.items():
            if times > 1:
                found.add(kind, {"id": name, "entries": times,
                                 "ledger": [dict(e) for e in entries
                                            if name in (str(e.get("applicant_id")),
                                                        str(e.get("deposit_id")))][:3]})
    for entry in entries:
        applicant, key = entry.get("applicant_id"), str(entry.get("idempotency_key"))
        if applicant not in entitled:
            found.add("not_entitled", {"ledger": dict(entry)})
        tries = keyed.get((applicant, key))
        if tries is None:
            senders = sorted({str(a) for (a, k) in keyed if k == key})
            found.add("unexplained", {"ledger": dict(entry), "key_sent_by": senders})
        elif _key_outcome(tries) == REFUSED:
            found.add("refused_but_recorded", {
                "ledger": dict(entry), "answers": [[t["status"], t.get("code")] for t in tries]})


def reconcile(attempts: Sequence[Mapping[str, Any]], ledger: Sequence[Mapping[str, Any]],
              entitled: Iterable[str], max_examples: int = 10) -> Reconciliation:
    """Compare the clients' attempts of one round with the round's ledger (GET /deposits)."""
    found = _Found(max_examples)
    keyed = _by_key(attempts)
    acknowledged = _acknowledgments(keyed, found)
    by_id = {str(e.get("deposit_id")): e for e in ledger}
    _check_acknowledged(acknowledged, by_id, found)
    _check_ledger(ledger, keyed, frozenset(entitled), found)
    unknown = sum(1 for tries in keyed.values() if _key_outcome(tries) == UNKNOWN)
    low, high = len(acknowledged), len(acknowledged) + unknown
    if not low <= len(ledger) <= high:
        found.add("total_out_of_bounds", {"ledger_entries": len(ledger), "acknowledged": low,
                                          "acknowledged_or_unknown": high})
    kinds = ("lost", "altered", "duplicate", "duplicate_id", "not_entitled", "unexplained",
             "refused_but_recorded", "replay_mismatch", "total_out_of_bounds")
    return Reconciliation(
        attempts=len(attempts), keys=len(keyed), acknowledged=low, unknown_keys=unknown,
        ledger=len(ledger), violations={k: found.counts[k] for k in kinds},
        examples={k: v for k, v in found.examples.items() if v},
    )
