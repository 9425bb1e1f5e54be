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

__all__ = ["CROWD", "PAY_ACTIONS", "Entry", "LifecyclePlan", "amounts", "beacons", "entries",
           "lifecycle_plans"]

# What an applicant entitled to pay does; "wrong_then_pay" retries the same key after a refusal.
# The first three pay, the last two leave the applicant unpaid.
PAY_ACTIONS = ("pay", "wrong_then_pay", "replay", "skip", "wrong_only")
_PAYING, _SKIP, _WRONG_ONLY = 3, 3, 4
_action = st.integers(0, len(PAY_ACTIONS) - 1)
# A crowd has at least this many people: with up to two previous winners at least 6 are
# eligible, and K <= (E - 2) // 2 leaves at least 4 reserves for at least 2 forfeits.
CROWD = 8


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
    crowd: bool = False  # drawn as a crowd (every invariant in play)


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


@st.composite
def lifecycle_plans(draw: st.DrawFn, max_people: int, max_slots: int) -> LifecyclePlan:
    """A whole round: who registers, the slots relative to who is eligible, who pays.

    Three plans in four are crowds, which put every invariant in play (at least two forfeits and
    at least two more reserves than forfeits, a duplicate, an invalid or repeated entry, a wrong
    amount and a deposit), so that a defect is met in most examples whatever the seed. Crowds
    and other plans make the same draws with narrower bounds, so when the shrinker turns a
    failing crowd into an ordinary plan the example stays the same, and it can then shrink below
    a crowd's minimums.
    """
    crowd = draw(st.integers(0, 3)) > 0  # three in four; shrinks toward an ordinary plan
    previous = draw(st.integers(0, min(2, max_people)))
    size = draw(st.integers(CROWD if crowd else 0, max(max_people, CROWD if crowd else 0)))
    extra = draw(st.lists(entries(max(size, 1)), min_size=2 if crowd else 0, max_size=4))
    population = draw(st.permutations([Entry(p, None, 0, p % 5) for p in range(size)] + extra))
    eligible = len({e.person for e in population if e.bad is None and e.person >= previous})
    at = draw(st.booleans())  # K + R exactly E (otherwise they fall where they fall)
    low_k, high_k = (2, max(2, min(max_slots, (eligible - 2) // 2))) if crowd else (0, max_slots)
    primary = draw(st.integers(low_k, high_k))
    # A crowd draws at least K + 2 reserves (E - K >= K + 2), so that with f <= K forfeits the
    # reserves promoted in rank order are one set among C(K + 2, f) >= 6 of that size.
    low_r = max(4, primary + 2) if crowd else 0
    reserve = draw(st.integers(low_r, max(low_r, max_slots + 2)))
    if at and not crowd:
        reserve = max(eligible - primary, 0)
    # By index into PAY_ACTIONS: a crowd's first three primaries skip, pay a wrong amount
    # only, and pay; the same values are valid for any plan, so they survive the shrinker.
    first = draw(st.integers(_SKIP, _SKIP) if crowd else _action)
    second = draw(st.integers(_WRONG_ONLY, _WRONG_ONLY) if crowd else _action)
    third = draw(st.integers(0, _PAYING - 1) if crowd else _action)
    rest = draw(st.lists(_action, max_size=3))
    primary_pay = tuple(PAY_ACTIONS[i] for i in (first, second, third, *rest))
    actions = st.lists(st.sampled_from(PAY_ACTIONS), min_size=1, max_size=4)
    return LifecyclePlan(
        primary_slots=primary,
        reserve_slots=reserve,
        deposit_amount=draw(amounts()),
        previous_winners=previous,
        entries=tuple(population),
        late_entries=tuple(draw(st.lists(entries(max(size, 1)), max_size=2))),
        beacon_source=draw(st.one_of(st.none(), st.text("abcdefghij0123456789 :/-.", max_size=40))),
        beacon=draw(beacons()),
        primary_pay=primary_pay,
        promoted_pay=tuple(draw(actions)),
        others_try=draw(st.booleans()),
        crowd=crowd,
    )

