"""Where an applicant stands: the contract's ``/me`` table as one pure function.

The deposit endpoint judges entitlement from the same function, so what an applicant is told and
what the system lets them do can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Place", "Standing", "standing_of"]

_BEFORE_DRAW = frozenset({"registration", "closed", "committed"})


@dataclass(frozen=True)
class Place:
    """The applicant's place in a drawn round: ``kind`` is primary, reserve or None."""

    kind: str | None
    rank: int | None
    promoted: bool


@dataclass(frozen=True)
class Standing:
    status: str
    reserve_rank: int | None
    payable: bool  # the status lets this applicant pay now (the table alone)

    def message(self, paid_elsewhere: bool, paid: bool) -> str:
        return _message(self, paid_elsewhere, paid)


def standing_of(state: str, place: Place, paid: bool) -> Standing:
    """The table's cell for this round state and place; ``paid`` means a deposit in this round."""
    if state in _BEFORE_DRAW:
        return Standing("registered", None, False)
    if place.kind == "primary":
        if paid:
            return Standing("primary", None, False)
        if state == "drawn":
            return Standing("primary", None, True)
        return Standing("forfeited", None, False)
    if place.kind == "reserve":
        return _reserve(state, place, paid)
    return Standing("not_selected", None, False)


def _reserve(state: str, place: Place, paid: bool) -> Standing:
    if not place.promoted:
        return Standing("reserve", place.rank, False)
    if state == "promotion":
        return Standing("promoted", place.rank, not paid)
    if paid:  # final
        return Standing("promoted", place.rank, False)
    return Standing("forfeited", None, False)


def _message(standing: Standing, paid_elsewhere: bool, paid: bool) -> str:
    status, rank = standing.status, standing.reserve_rank
    if status == "registered":
        return "You are registered. The draw has not taken place yet."
    if status == "not_selected":
        return "You were not selected in this draw, neither as a winner nor as a reserve."
    if status == "reserve":
        return (
            f"You are a RESERVE candidate, rank {rank} on the reserve list. You are not a winner"
            " and cannot pay a deposit unless a winner forfeits and you are promoted."
        )
    if status == "forfeited":
        return "Your place is forfeited: no deposit was paid while the deposit window was open."
    if paid:
        return "You are a winner and your deposit has been received. Your place is confirmed."
    if paid_elsewhere:
        return (
            "You were selected, but a deposit under your national id was already paid in another"
            " round, so you cannot pay in this one."
        )
    if status == "promoted":
        return (
            f"You were promoted from reserve rank {rank} to winner. Pay your deposit now to keep"
            " your place."
        )
    return "You are a winner (primary selection). Pay your deposit now to keep your place."
