"""A model of ASTI-1 (DESIGN.md section 4): round states, the /me table and the decision orders.

The model holds what the harness knows from the answers it has seen: which registrations were
acknowledged, the frozen list, the published draw, the deposits and promotions. From that it
predicts the status and error code of the next request by walking the contract's decision order,
and what every applicant's ``/me`` must say. It never predicts the draw itself (the server seed is
secret): it learns the lists from the draw's answer and checks them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from harness.synthetic import is_valid_national_id

__all__ = [
    "BEFORE_DRAW",
    "Applicant",
    "Expect",
    "RoundModel",
    "Standing",
    "World",
    "close_deposits_outcome",
    "deposit_outcome",
    "register_outcome",
    "standing",
    "transition_outcome",
]

BEFORE_DRAW = ("registration", "closed", "committed")
OPEN_WINDOW = ("drawn", "promotion")
_NEXT = {"close": ("registration", "closed"), "commit": ("closed", "committed"),
         "draw": ("committed", "drawn")}
_MAX_KEY = 200
_MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class Expect:
    """An answer the contract requires: a status and, for an error, its code."""

    status: int
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}" if self.code else str(self.status)


@dataclass
class Applicant:
    """An acknowledged registration (a 201 the system gave)."""

    applicant_id: str
    token: str
    national_id: str
    round_id: str
    label: str


@dataclass
class RoundModel:
    round_id: str
    primary_slots: int
    reserve_slots: int
    deposit_amount: int
    state: str = "registration"
    applicants: dict[str, Applicant] = field(default_factory=dict)
    eligible: tuple[str, ...] | None = None
    digest: str | None = None
    commitment: dict[str, Any] | None = None
    results: dict[str, Any] | None = None
    promoted: tuple[str, ...] = ()
    deposits: dict[str, dict[str, Any]] = field(default_factory=dict)  # applicant id -> deposit
    keys: dict[tuple[str, str], int] = field(default_factory=dict)  # (applicant, key) -> amount

    @property
    def primary(self) -> tuple[str, ...]:
        return tuple(self.results["primary"]) if self.results else ()

    @property
    def reserve(self) -> tuple[str, ...]:
        return tuple(self.results["reserve"]) if self.results else ()

    def registered(self, national_id: str) -> bool:
        return any(a.national_id == national_id for a in self.applicants.values())


@dataclass
class World:
    """Every round of one example, and which national ids hold a deposit where."""

    rounds: dict[str, RoundModel] = field(default_factory=dict)
    paid: dict[str, str] = field(default_factory=dict)  # national id -> round id of its deposit

    def copy(self) -> World:
        return copy.deepcopy(self)

    def paid_elsewhere(self, national_id: str, round_id: str) -> bool:
        where = self.paid.get(national_id)
        return where is not None and where != round_id


@dataclass(frozen=True)
class Standing:
    """What ``/me`` must show: status, reserve rank and whether a deposit would be accepted."""

    status: str
    reserve_rank: int | None
    can_deposit: bool
    may_pay_by_table: bool  # the table's "may pay" cell, before the previous-winner rule


def standing(world: World, r: RoundModel, a: Applicant) -> Standing:
    """The /me table of ASTI-1 for applicant ``a`` of round ``r``."""
    paid = a.applicant_id in r.deposits
    status, rank, may_pay = _table(r, a.applicant_id, paid)
    blocked = world.paid_elsewhere(a.national_id, r.round_id)
    return Standing(status, rank, may_pay and not blocked, may_pay)


def _table(r: RoundModel, aid: str, paid: bool) -> tuple[str, int | None, bool]:
    if r.state in BEFORE_DRAW:
        return "registered", None, False
    if aid in r.primary:
        if r.state == "drawn":
            return "primary", None, not paid
        return ("primary" if paid else "forfeited"), None, False
    if aid in r.reserve:
        rank = r.reserve.index(aid) + 1
        if aid not in r.promoted:
            return "reserve", rank, False
        if r.state == "promotion":
            return "promoted", rank, not paid
        return ("promoted", rank, False) if paid else ("forfeited", None, False)
    return "not_selected", None, False


def register_outcome(world: World, round_id: str, national_id: Any) -> Expect:
    """Registration's decision order: 404, 422 invalid_request, 422 invalid_national_id,
    409 registration_closed, 403 previous_winner, 409 duplicate_registration, 201."""
    r = world.rounds.get(round_id)
    if r is None:
        return Expect(404, "not_found")
    if not isinstance(national_id, str) or len(national_id) != 10 or not national_id.isascii() \
            or not national_id.isdigit():
        return Expect(422, "invalid_request")
    if not is_valid_national_id(national_id):
        return Expect(422, "invalid_national_id")
    if r.state != "registration":
        return Expect(409, "registration_closed")
    if world.paid_elsewhere(national_id, round_id):
        return Expect(403, "previous_winner")
    if r.registered(national_id):
        return Expect(409, "duplicate_registration")
    return Expect(201)


def transition_outcome(r: RoundModel, action: str) -> Expect:
    """close, commit, draw: 200 from the one state each leaves, else 409 wrong_state."""
    source, _ = _NEXT[action]
    return Expect(200) if r.state == source else Expect(409, "wrong_state")


def next_state(action: str) -> str:
    return _NEXT[action][1]


def close_deposits_outcome(r: RoundModel, expected_state: Any) -> Expect:
    """deposits/close: 422 invalid_request for a missing or unknown expected_state, then 409
    wrong_state when it is not the round's state, else 200."""
    if expected_state not in OPEN_WINDOW:
        return Expect(422, "invalid_request")
    if expected_state != r.state:
        return Expect(409, "wrong_state")
    return Expect(200)


def deposit_outcome(
    world: World, r: RoundModel, payer: Applicant | None, key: str | None, amount: Any
) -> Expect:
    """The deposit decision order from ``idempotency_key_required`` on (the token checks are
    the caller's: ``payer`` is the applicant the token belongs to, in this round)."""
    if payer is None:
        raise ValueError("the token checks come first; pass the round's own applicant")
    if not key or len(key) > _MAX_KEY:
        return Expect(400, "idempotency_key_required")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= _MAX_AMOUNT:
        return Expect(422, "invalid_request")
    used = r.keys.get((payer.applicant_id, key))
    if used is not None:
        return Expect(200) if used == amount else Expect(422, "idempotency_mismatch")
    if r.state not in OPEN_WINDOW:
        return Expect(409, "window_closed")
    if payer.applicant_id in r.deposits:
        return Expect(409, "already_deposited")
    now = standing(world, r, payer)
    if not now.may_pay_by_table:
        return Expect(403, "not_entitled")
    if world.paid_elsewhere(payer.national_id, r.round_id):
        return Expect(403, "previous_winner")
    if amount != r.deposit_amount:
        return Expect(422, "wrong_amount")
    return Expect(201)


def forfeits_and_promotions(r: RoundModel) -> tuple[list[str], list[str]]:
    """What closing the window from ``drawn`` must do: forfeit every unpaid primary and promote
    as many reserves, in rank order, skipping none (fewer if the reserves run out)."""
    unpaid = [aid for aid in r.primary if aid not in r.deposits]
    return unpaid, list(r.reserve[: len(unpaid)])
