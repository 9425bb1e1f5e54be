"""Operations on the money side of a round: /me, deposits, the window's close, the ledger.

I-02 holds every ``/me`` to the table the model derives from the published lists; I-03 holds each
deposit answer to the decision order and the ledger to the deposits acknowledged; I-04 holds the
window's close to "forfeit the unpaid, promote that many reserves in rank order", and a forfeited
applicant's deposit to a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from harness.invariants.model import (
    Expect,
    World,
    close_deposits_outcome,
    deposit_outcome,
    forfeits_and_promotions,
    standing,
)
from harness.invariants.ops import shape_violation
from harness.invariants.shapes import fields_problem, object_of, outcome_violation
from harness.invariants.violations import Violation
from harness.invariants.wire import Call, Reply

__all__ = ["CloseDeposits", "Deposit", "Me", "ReadLedger", "ReadPromotions"]

_DEPOSIT = {"deposit_id": "str", "applicant_id": "id", "amount": "int", "created_at": "str"}
_SAME = ("deposit_id", "applicant_id", "amount", "created_at")


@dataclass(frozen=True)
class Me:
    """I-02: what an applicant is told agrees with the published lists and their deposit."""

    round_id: str
    applicant_id: str
    requirement: ClassVar[str] = "I-02"

    @property
    def step(self) -> str:
        return f"/me of {self.applicant_id} in {self.round_id}"

    def call(self, world: World) -> Call:
        a = world.rounds[self.round_id].applicants[self.applicant_id]
        return Call("GET", f"/v1/rounds/{self.round_id}/me", a.token)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        wrong = outcome_violation("I-02", self.step, reply, [Expect(200)])
        body = reply.data if wrong is None else None
        if wrong or not isinstance(body, dict):
            return wrong or shape_violation("I-02", self.step, "is not a JSON object", reply)
        problem = fields_problem(body, {"applicant_id": "id", "status": "str",
                                        "reserve_rank": "int_or_null", "can_deposit": "bool",
                                        "deposit": "object_or_null"})
        if problem:
            return shape_violation("I-02", self.step, problem, reply)
        r = world.rounds[self.round_id]
        s = standing(world, r, r.applicants[self.applicant_id])
        paid = r.deposits.get(self.applicant_id)
        shown_deposit = body["deposit"]
        want = {"applicant_id": self.applicant_id, "status": s.status,
                "reserve_rank": s.reserve_rank, "can_deposit": s.can_deposit,
                "deposit": None if paid is None else paid["deposit_id"]}
        got = dict(body, deposit=None if shown_deposit is None
                   else shown_deposit.get("deposit_id", "<no deposit_id>"))
        for name, value in want.items():
            if got[name] != value:
                return Violation.of(
                    "I-02", "invariants.me_disagrees",
                    "{step}: {name} is {observed}, but the published results, promotions and "
                    "deposits make it {expected} (round {state})", reply.index, step=self.step,
                    name=name, observed=str(got[name])[:60], expected=str(value), state=r.state)
        return None


@dataclass(frozen=True)
class Deposit:
    """POST deposits with the payer's token (or ``token_of``, another round's applicant)."""

    round_id: str
    applicant_id: str
    key: str
    amount: Any
    token_of: tuple[str, str] | None = None  # (round id, applicant id) whose token is used
    racing_same_key: bool = False  # judged after a twin sent with it: request_in_progress is ok
    requirement: ClassVar[str] = "I-03"
    repeatable: ClassVar[bool] = True  # a retry with the same Idempotency-Key cannot pay twice

    def behind(self, earlier: list[Any]) -> Deposit:
        """This deposit judged after ``earlier`` ops of the same concurrent step: when one of
        them used the same key, the contract lets this one find it still in flight."""
        twin = any(isinstance(op, Deposit) and (op.round_id, op.applicant_id, op.key)
                   == (self.round_id, self.applicant_id, self.key) for op in earlier)
        return replace(self, racing_same_key=twin)

    @property
    def step(self) -> str:
        return f"deposit {self.amount} by {self.applicant_id} in {self.round_id} (key {self.key})"

    def call(self, world: World) -> Call:
        rid, aid = self.token_of or (self.round_id, self.applicant_id)
        token = world.rounds[rid].applicants[aid].token
        return Call("POST", f"/v1/rounds/{self.round_id}/deposits", token,
                    {"amount": self.amount}, {"Idempotency-Key": self.key})

    def expected(self, world: World) -> tuple[str, list[Expect]]:
        """The requirement a wrong answer breaks, and the answers the contract allows."""
        r = world.rounds[self.round_id]
        if self.token_of is not None and self.token_of[0] != self.round_id:
            return "I-03", [Expect(403, "forbidden")]
        payer = r.applicants[self.applicant_id]
        expect = deposit_outcome(world, r, payer, self.key, self.amount)
        allowed = [expect]
        if self.racing_same_key:  # its twin with the same key may still have been in flight
            allowed.append(Expect(409, "request_in_progress"))
        forfeited = standing(world, r, payer).status == "forfeited"
        return ("I-04" if forfeited and expect.code == "not_entitled" else "I-03"), allowed

    def judge(self, world: World, reply: Reply) -> Violation | None:
        requirement, allowed = self.expected(world)
        if reply.after_transient and Expect(201) in allowed:
            allowed.append(Expect(200))  # the 503'd original was recorded: this is its replay
        wrong = outcome_violation(requirement, self.step, reply, allowed)
        if wrong or reply.status not in (200, 201):
            return wrong
        body = object_of(reply, "I-03", self.step)
        if isinstance(body, Violation):
            return body
        problem = fields_problem(body, _DEPOSIT)
        if problem:
            return shape_violation("I-03", self.step, problem, reply)
        r = world.rounds[self.round_id]
        if reply.status == 200 and self.applicant_id in r.deposits:
            return _replay_problem(r.deposits[self.applicant_id], body, self.step, reply)
        if body["applicant_id"] != self.applicant_id or body["amount"] != self.amount:
            return shape_violation("I-03", self.step, "names another applicant or amount", reply)
        r.deposits[self.applicant_id] = dict(body, idempotency_key=self.key)
        r.keys[(self.applicant_id, self.key)] = self.amount
        world.paid[r.applicants[self.applicant_id].national_id] = self.round_id
        return None


def _replay_problem(
    original: dict[str, Any] | None, body: dict[str, Any], step: str, reply: Reply
) -> Violation | None:
    if original is None or any(body.get(k) != original.get(k) for k in _SAME):
        return Violation.of("I-03", "invariants.replay_differs",
                            "{step}: the replay did not return the original deposit unchanged",
                            reply.index, step=step)
    return None


@dataclass(frozen=True)
class CloseDeposits:
    """POST deposits/close naming the state it expects to close."""

    round_id: str
    expected_state: Any
    operator: str
    requirement: ClassVar[str] = "I-04"

    @property
    def step(self) -> str:
        return f"close the deposit window of {self.round_id} (expected {self.expected_state})"

    def call(self, world: World) -> Call:
        body = {"expected_state": self.expected_state}
        return Call("POST", f"/v1/rounds/{self.round_id}/deposits/close", self.operator, body)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        expect = close_deposits_outcome(r, self.expected_state)
        wrong = outcome_violation("I-04", self.step, reply, [expect])
        if wrong or expect.status != 200:
            return wrong
        body = object_of(reply, "I-04", self.step)
        if isinstance(body, Violation):
            return body
        problem = fields_problem(body, {"state": "str", "promoted": "ids"})
        if problem:
            return shape_violation("I-04", self.step, problem, reply)
        promote = forfeits_and_promotions(r)[1] if r.state == "drawn" else []
        new_state = "promotion" if r.state == "drawn" else "final"
        got = (body["state"], list(body["promoted"]))
        if got != (new_state, promote):
            return Violation.of(
                "I-04", "invariants.promotion_wrong",
                "closing the window answered state {observed_state} promoting {observed}; "
                "the contract requires state {state} promoting {expected} (the first "
                "{count} reserves in rank order)", reply.index, observed_state=str(got[0]),
                observed=got[1], state=new_state, expected=promote, count=len(promote))
        r.promoted = r.promoted + tuple(promote)
        r.state = new_state
        return None


@dataclass(frozen=True)
class ReadPromotions:
    round_id: str
    requirement: ClassVar[str] = "I-04"

    @property
    def step(self) -> str:
        return f"read the promotions of {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}/promotions")

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        wrong = outcome_violation("I-04", self.step, reply, [Expect(200)])
        body = reply.data if wrong is None else None
        if wrong or not isinstance(body, dict):
            return wrong or shape_violation("I-04", self.step, "is not a JSON object", reply)
        if body.get("promoted") != list(r.promoted):
            return Violation.of("I-04", "invariants.promotions_list",
                                "the promotions list is {observed}, the window's close promoted "
                                "{expected}", reply.index, observed=str(body.get("promoted"))[:200],
                                expected=list(r.promoted))
        return None


@dataclass(frozen=True)
class ReadLedger:
    """I-03: the operator's ledger holds exactly the deposits acknowledged with 201."""

    round_id: str
    operator: str
    requirement: ClassVar[str] = "I-03"

    @property
    def step(self) -> str:
        return f"read the deposit ledger of {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}/deposits", self.operator)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        wrong = outcome_violation("I-03", self.step, reply, [Expect(200)])
        body = reply.data if wrong is None else None
        entries = body.get("deposits") if isinstance(body, dict) else None
        if wrong or not isinstance(entries, list):
            return wrong or shape_violation("I-03", self.step, "lacks a deposits list", reply)
        got = sorted(_ledger_row(e) for e in entries)
        want = sorted(_ledger_row(d) for d in r.deposits.values())
        if got != want:
            return Violation.of("I-03", "invariants.ledger_differs",
                                "the ledger holds {observed} entries, {expected} deposits were "
                                "acknowledged (or an entry differs from its acknowledgement)",
                                reply.index, observed=len(got), expected=len(want))
        return None


def _ledger_row(entry: Any) -> tuple[str, ...]:
    if not isinstance(entry, dict):
        return ("<not an object>",)
    return tuple(str(entry.get(k)) for k in ("deposit_id", "applicant_id", "amount",
                                             "idempotency_key"))

