"""An applicant's standing in a round: the ``/me`` table of ASTI-1 section 4.

The same function decides what ``/me`` shows and whether a deposit is allowed, so an applicant is
never told they may pay and then refused (or the reverse).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, bindparam, exists, select

from targets.reference import schema
from targets.reference.service import Service

__all__ = ["Facts", "Standing", "deposit_view", "facts", "me", "standing"]

_BEFORE_DRAW = ("registration", "closed", "committed")
_DEPOSIT_COLUMNS = [
    schema.deposits.c[name]
    for name in ("deposit_id", "applicant_id", "amount", "idempotency_key", "created_at")
]


@dataclass(frozen=True)
class Facts:
    """What the database knows about one applicant in one round."""

    state: str
    role: str | None
    rank: int | None
    promoted: bool
    deposit: dict[str, Any] | None
    # This person (national id) holds a deposit in another round: they cannot pay here.
    paid_elsewhere: bool = False


@dataclass(frozen=True)
class Standing:
    """``entitled`` is the /me table's "may pay" cell alone; ``can_deposit`` also needs the
    person not to hold a deposit in another round (ASTI-1: 403 ``previous_winner``)."""

    status: str
    reserve_rank: int | None
    entitled: bool
    paid_elsewhere: bool = False

    @property
    def can_deposit(self) -> bool:
        return self.entitled and not self.paid_elsewhere


def _facts_query() -> Select[Any]:
    """One row per (round, applicant): promotion, deposit, and a deposit in another round."""
    a, p, d = schema.applicants, schema.promotions, schema.deposits
    other = schema.deposits.alias("other_round")
    elsewhere = exists().where(other.c.national_key == a.c.national_key,
                               other.c.round_id != a.c.round_id)
    joined = a.outerjoin(
        p, and_(p.c.round_id == a.c.round_id, p.c.applicant_id == a.c.applicant_id)
    ).outerjoin(d, and_(d.c.round_id == a.c.round_id, d.c.applicant_id == a.c.applicant_id))
    return (
        select(p.c.reserve_rank.label("promoted_rank"), *_DEPOSIT_COLUMNS,
               elsewhere.label("paid_elsewhere"))
        .select_from(joined)
        .where(a.c.round_id == bindparam("round_id"), a.c.applicant_id == bindparam("applicant_id"))
    )


_FACTS = _facts_query()  # built once: building it per request cost more than running it


def facts(svc: Service, conn: Connection, round_row: Row[Any], applicant_id: str) -> Facts:
    """The applicant's draw outcome (from the published results), promotion, deposit (if any),
    and whether the same person holds a deposit in another round."""
    row = conn.execute(
        _FACTS, {"round_id": round_row.round_id, "applicant_id": applicant_id}
    ).one()
    deposit = None
    if row.deposit_id is not None:
        deposit = {c.name: getattr(row, c.name) for c in _DEPOSIT_COLUMNS}
    drawn = svc.selection(conn, round_row)
    role, rank = (None, None) if drawn is None else drawn.role(applicant_id)
    return Facts(round_row.state, role, rank, row.promoted_rank is not None, deposit,
                 bool(row.paid_elsewhere))


def standing(f: Facts) -> Standing:
    cell = _table_cell(f)
    return Standing(cell.status, cell.reserve_rank, cell.entitled, f.paid_elsewhere)


def _table_cell(f: Facts) -> Standing:
    """The /me table of ASTI-1 section 4."""
    paid = f.deposit is not None
    if f.state in _BEFORE_DRAW:
        return Standing("registered", None, False)
    if f.role == "primary":
        if f.state == "drawn":
            return Standing("primary", None, not paid)
        return Standing("primary" if paid else "forfeited", None, False)
    if f.role == "reserve":
        if not f.promoted:
            return Standing("reserve", f.rank, False)
        if f.state == "promotion":
            return Standing("promoted", f.rank, not paid)
        return Standing("promoted", f.rank, False) if paid else Standing("forfeited", None, False)
    return Standing("not_selected", None, False)


def _message(s: Standing, amount: int, paid: bool) -> str:
    if s.status == "registered":
        return "You are registered for this round. The draw has not taken place yet."
    if s.entitled and s.paid_elsewhere:
        drawn = ("You were drawn as a primary winner" if s.status == "primary" else
                 f"You were promoted from the reserve list (reserve rank {s.reserve_rank})")
        return (f"{drawn}, but your national id already holds a deposit in another round: you "
                "cannot pay in this one, and this selection lapses when the window closes.")
    if s.status == "primary":
        if paid:
            return "You are a primary winner and your deposit has been received."
        return (f"You are a primary winner. Pay the deposit of {amount} before the deposit "
                "window closes to keep your allocation.")
    if s.status == "promoted":
        if paid:
            return "You were promoted from the reserve list and your deposit has been received."
        return (f"You were promoted from the reserve list (reserve rank {s.reserve_rank}). "
                f"Pay the deposit of {amount} before the window closes to keep your allocation.")
    if s.status == "reserve":
        return (f"You are a reserve candidate, rank {s.reserve_rank}, not a winner. You cannot "
                "pay a deposit unless you are promoted.")
    if s.status == "forfeited":
        return "Your selection was forfeited because the deposit was not paid in time."
    return "You were not selected in this round."


def deposit_view(row: Mapping[Any, Any], *, ledger: bool = False) -> dict[str, Any]:
    """The contract's deposit object; ledger entries add the idempotency key."""
    keys = ("deposit_id", "applicant_id", "amount", "created_at")
    view = {key: row[key] for key in keys}
    if ledger:
        view["idempotency_key"] = row["idempotency_key"]
    return view


def me(svc: Service, token: str | None, round_id: str) -> dict[str, Any]:
    with svc.db.read() as conn:  # one snapshot for the token and the standing
        who = svc.require_applicant(token, round_id, conn)
        round_row = svc.read_round(conn, round_id)
        f = facts(svc, conn, round_row, who.applicant_id)
    s = standing(f)
    return {
        "applicant_id": who.applicant_id,
        "status": s.status,
        "reserve_rank": s.reserve_rank,
        "can_deposit": s.can_deposit,
        "deposit": None if f.deposit is None else deposit_view(f.deposit),
        "message": _message(s, round_row.deposit_amount, f.deposit is not None),
    }
