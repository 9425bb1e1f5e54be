"""Hypothesis strategies for rounds, populations and what applicants do (issue 10, item 1).

Round configurations take K and R from 0 up, with K + R at, below and above the number of eligible
applicants E, and E from 0 up. Populations mix valid people with duplicates, invalid national ids
of every kind the contract names, and previous winners (people who paid in an earlier round of the
same example). Beacons and beacon sources are present or absent. Sizes come from the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from harness.invariants.people import BadId

__all__ = ["PAY_ACTIONS", "Entry", "LifecyclePlan", "amounts", "beacons", "entries",
           "lifecycle_plans", "slots_for"]

# What an applicant entitled to pay does; "wrong_then_pay" retries the same key after a refusal.
PAY_ACTIONS = ("pay", "skip", "wrong_then_pay", "replay", "wrong_only")
_RELATIONS = ("below", "at", "above")


@dataclass(frozen=True)
class Entry:
    """One registration attempt: person ``person`` of the example, or an invalid id made from
    that person's id when ``bad`` is set."""

    person: int
    bad: BadId | None = None
    variant: int = 0
    region: int = 0


@dataclass(frozen=True)
class LifecyclePlan:
    primary_slots: int
    reserve_slots: int
    deposit_amount: int
    previous_winners: int  # persons 0..n-1 win and pay in an earlier round first
    entries: tuple[Entry, ...]
    late_entries: tuple[Entry, ...]  # tried after close
    beacon_source: str | None
    beacon: str | None
    primary_pay: tuple[str, ...]  # by primary rank, repeated when shorter than the list
    promoted_pay: tuple[str, ...]
    others_try: bool  # a reserve, an outsider and a forfeited primary try to pay


def amounts() -> st.SearchStrategy[int]:
    """Deposit amounts, including both ends of the contract's range."""
    return st.one_of(st.integers(1, 10**6), st.sampled_from([1, 2, 10**15 - 1, 10**15]))


def beacons() -> st.SearchStrategy[str | None]:
    """Absent, empty, or 1..128 bytes as hex in either case (input hex is case-insensitive)."""
    present = st.binary(min_size=1, max_size=128).flatmap(
        lambda b: st.sampled_from([b.hex(), b.hex().upper()]))
    return st.one_of(st.none(), st.just(""), present)


def entries(people: int, *, bad: bool = True) -> st.SearchStrategy[Entry]:
    kinds = st.one_of(st.none(), st.sampled_from(list(BadId))) if bad else st.none()
    return st.builds(Entry, st.integers(0, max(people - 1, 0)), kinds,
                     st.integers(0, 9), st.integers(0, 4))


def slots_for(eligible: int, max_slots: int) -> st.SearchStrategy[tuple[int, int]]:
    """(K, R) with K + R below, at or above ``eligible``, each from 0 to ``max_slots``."""

    def pick(relation: str) -> st.SearchStrategy[tuple[int, int]]:
        if relation == "at" and eligible <= 2 * max_slots:
            k_low = max(0, eligible - max_slots)
            return st.integers(k_low, min(eligible, max_slots)).map(lambda k: (k, eligible - k))
        if relation == "below" and eligible > 0:
            return split(st.integers(0, min(eligible - 1, 2 * max_slots)))
        if eligible < 2 * max_slots:  # "above", or a relation this E cannot have
            return split(st.integers(eligible + 1, 2 * max_slots))
        return st.tuples(st.integers(0, max_slots), st.integers(0, max_slots))

    def split(totals: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[int, int]]:
        return totals.flatmap(
            lambda t: st.integers(max(0, t - max_slots), min(t, max_slots)).map(lambda k: (k, t - k)))

    return st.sampled_from(_RELATIONS).flatmap(pick)


@st.composite
def lifecycle_plans(draw: st.DrawFn, max_people: int, max_slots: int) -> LifecyclePlan:
    """A whole round: who registers, the slots relative to who is eligible, who pays."""
    previous = draw(st.integers(0, min(2, max_people)))
    population = draw(st.lists(entries(max_people), max_size=max_people + 4))
    eligible = len({e.person for e in population if e.bad is None and e.person >= previous})
    primary, reserve = draw(slots_for(eligible, max_slots))
    actions = st.lists(st.sampled_from(PAY_ACTIONS), min_size=1, max_size=4)
    return LifecyclePlan(
        primary_slots=primary,
        reserve_slots=reserve,
        deposit_amount=draw(amounts()),
        previous_winners=previous,
        entries=tuple(population),
        late_entries=tuple(draw(st.lists(entries(max_people), max_size=2))),
        beacon_source=draw(st.one_of(st.none(), st.text("abcdefghij0123456789 :/-.", max_size=40))),
        beacon=draw(beacons()),
        primary_pay=tuple(draw(actions)),
        promoted_pay=tuple(draw(actions)),
        others_try=draw(st.booleans()),
    )
