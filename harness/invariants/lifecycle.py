"""One round from creation to ``final``, with the checks I-01..I-06 after every stage.

The plan (``strategies.lifecycle_plans``) says who registers and what each entitled applicant
does; the draw decides who those applicants are, so payment actions are assigned by rank. Every
answer along the way is judged by the operations themselves (``ops``, ``ops_money``), and the
round's published documents are read again after each stage (``sweep``): the list, results,
promotions, ledger, audit chain and every applicant's ``/me``.
"""

from __future__ import annotations

from harness.invariants.example import Example
from harness.invariants.model import RoundModel
from harness.invariants.ops import (
    ReadApplicants,
    ReadAudit,
    ReadResults,
    ReadRound,
    Register,
    Transition,
)
from harness.invariants.ops_money import CloseDeposits, Deposit, Me, ReadLedger, ReadPromotions
from harness.invariants.people import bad_national_id
from harness.invariants.strategies import Entry, LifecyclePlan

__all__ = ["register_entry", "run_lifecycle", "sweep", "wrong_amount"]


def wrong_amount(amount: int) -> int:
    """An amount in the contract's range that is not the round's."""
    return amount + 1 if amount < 10**15 else amount - 1


def register_entry(ex: Example, r: RoundModel, entry: Entry) -> None:
    valid = ex.people.national_id(entry.person)
    letter = r.round_id.rsplit("-", 1)[-1]
    if entry.bad is None:
        nid, label = valid, f"{ex.label(entry.person)}@{letter}"
    else:
        nid, label = bad_national_id(entry.bad, valid, entry.variant), f"{entry.bad.value}@{letter}"
    ex.run(Register(r.round_id, nid, f"Person {entry.person}", f"region-{entry.region}", label))


def sweep(ex: Example, r: RoundModel, *, audit: bool = True) -> None:
    """Read every published document of the round and every applicant's /me."""
    rid = r.round_id
    ex.run(ReadRound(rid))
    ex.run(ReadApplicants(rid))
    ex.run(ReadResults(rid))
    for aid in list(r.applicants):
        ex.run(Me(rid, aid))
    if r.state in ("drawn", "promotion", "final"):
        ex.run(ReadPromotions(rid))
        ex.run(ReadLedger(rid, ex.operator))
    if audit:
        ex.run(ReadAudit(rid, ex.operator))


def _previous_winners(ex: Example, count: int, amount: int) -> None:
    """An earlier round in which persons 0..count-1 win and pay: they are previous winners."""
    r = ex.create_round("p", count, 0, amount)
    for person in range(count):
        register_entry(ex, r, Entry(person))
    for action in ("close", "commit", "draw"):
        ex.run(Transition(r.round_id, action, ex.operator))
    for n, aid in enumerate(r.primary):
        ex.run(Deposit(r.round_id, aid, f"prev-{n}", amount))


def _pay(ex: Example, r: RoundModel, aid: str, action: str, tag: str) -> None:
    rid, amount = r.round_id, r.deposit_amount
    if action == "skip":
        return
    if action in ("wrong_then_pay", "wrong_only"):
        ex.run(Deposit(rid, aid, f"{tag}-1", wrong_amount(amount)))
        if action == "wrong_only":
            return
    ex.run(Deposit(rid, aid, f"{tag}-1", amount))
    if action == "replay":
        ex.run(Deposit(rid, aid, f"{tag}-1", amount))
        ex.run(Deposit(rid, aid, f"{tag}-1", wrong_amount(amount)))
        ex.run(Deposit(rid, aid, f"{tag}-2", amount))


def _others_try(ex: Example, r: RoundModel, stage: str) -> None:
    """Applicants the table forbids to pay try anyway: a reserve and an outsider in ``drawn``,
    a forfeited primary in ``promotion``."""
    rid, amount = r.round_id, r.deposit_amount
    chosen = set(r.primary) | set(r.reserve)
    if stage == "drawn":
        candidates = list(r.reserve[:1]) + [a for a in r.applicants if a not in chosen][:1]
    else:
        candidates = [a for a in r.primary if a not in r.deposits][:1]
    for aid in candidates:
        ex.run(Deposit(rid, aid, f"try-{stage}", amount))


def run_lifecycle(ex: Example, plan: LifecyclePlan) -> None:
    if plan.previous_winners:
        _previous_winners(ex, plan.previous_winners, plan.deposit_amount)
    r = ex.create_round("a", plan.primary_slots, plan.reserve_slots, plan.deposit_amount)
    rid = r.round_id
    for entry in plan.entries:
        register_entry(ex, r, entry)
    ex.run(ReadResults(rid))
    ex.run(Transition(rid, "close", ex.operator))
    for entry in plan.late_entries:
        register_entry(ex, r, entry)
    ex.run(ReadApplicants(rid))
    ex.run(Transition(rid, "commit", ex.operator, beacon_source=plan.beacon_source))
    ex.run(Transition(rid, "draw", ex.operator, beacon=plan.beacon))
    ex.run(Transition(rid, "draw", ex.operator, beacon=plan.beacon))  # refused: drawn once
    sweep(ex, r, audit=False)
    if plan.others_try:
        _others_try(ex, r, "drawn")
    for rank, aid in enumerate(r.primary):
        _pay(ex, r, aid, plan.primary_pay[rank % len(plan.primary_pay)], f"p{rank}")
    sweep(ex, r, audit=False)
    ex.run(CloseDeposits(rid, "promotion", ex.operator))  # names the wrong window: refused
    ex.run(CloseDeposits(rid, "drawn", ex.operator))
    ex.run(CloseDeposits(rid, "drawn", ex.operator))  # a retried close never skips a window
    if plan.others_try:
        _others_try(ex, r, "promotion")
    for n, aid in enumerate(r.promoted):
        _pay(ex, r, aid, plan.promoted_pay[n % len(plan.promoted_pay)], f"r{n}")
    sweep(ex, r, audit=False)
    ex.run(CloseDeposits(rid, "promotion", ex.operator))
    sweep(ex, r)
