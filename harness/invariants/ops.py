"""Operations on rounds: each builds its request from the model and judges the answer.

An operation is two steps, ``call(world)`` and ``judge(world, reply)``. ``judge`` compares the
answer with what the contract requires in the model's state and, when the answer is allowed,
moves the model on from what it observed (an applicant id, the drawn lists). Keeping the two apart
is what lets a concurrent step try every serial order of its operations against copies of the
model (``harness.invariants.example``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from harness.invariants.audit_chain import chain_problem, lifecycle_events
from harness.invariants.model import (
    Applicant,
    Expect,
    World,
    next_state,
    register_outcome,
    transition_outcome,
)
from harness.invariants.published import (
    digest_of,
    list_problem,
    redraw_problem,
    results_change,
    results_problem,
)
from harness.invariants.shapes import fields_problem, object_of, outcome_violation
from harness.invariants.violations import Violation
from harness.invariants.wire import Call, Reply

__all__ = [
    "Op",
    "ReadApplicants",
    "ReadAudit",
    "ReadResults",
    "ReadRound",
    "Register",
    "Transition",
]

_STATE_OWNER = {"registration": "I-06", "closed": "I-01", "committed": "I-05", "drawn": "I-05",
                "promotion": "I-04", "final": "I-04"}


class Op(Protocol):
    """A request built from the model, and the judgement of its answer."""

    @property
    def requirement(self) -> str: ...

    @property
    def step(self) -> str: ...

    def call(self, world: World) -> Call: ...

    def judge(self, world: World, reply: Reply) -> Violation | None: ...


def shape_violation(requirement: str, what: str, problem: str, reply: Reply) -> Violation:
    return Violation.of(requirement, "invariants.bad_shape", "{what}: the answer {problem}",
                        reply.index, what=what, problem=problem)


@dataclass(frozen=True)
class Register:
    """POST registrations; I-06 judges the decision, I-01 the acknowledgement's shape."""

    round_id: str
    national_id: Any
    name: str
    region: str
    label: str
    requirement: ClassVar[str] = "I-06"

    @property
    def step(self) -> str:
        return f"register {self.label} in {self.round_id}"

    def call(self, world: World) -> Call:
        body = {"national_id": self.national_id, "name": self.name, "region": self.region}
        return Call("POST", f"/v1/rounds/{self.round_id}/registrations", body=body)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        expect = register_outcome(world, self.round_id, self.national_id)
        wrong = outcome_violation("I-06", self.step, reply, [expect])
        if wrong or expect.status != 201:
            return wrong
        body = object_of(reply, "I-01", self.step)
        if isinstance(body, Violation):
            return body
        problem = fields_problem(body, {"applicant_id": "id", "token": "str"})
        if problem or not 0 < len(body["token"]) <= 512:
            return shape_violation("I-01", self.step, problem or "has a token over 512", reply)
        r = world.rounds[self.round_id]
        if body["applicant_id"] in r.applicants:
            return Violation.of("I-01", "invariants.applicant_id_reused",
                                "{step}: the system issued applicant id {applicant} twice",
                                reply.index, step=self.step, applicant=body["applicant_id"])
        r.applicants[body["applicant_id"]] = Applicant(
            body["applicant_id"], body["token"], self.national_id, self.round_id, self.label)
        return None


@dataclass(frozen=True)
class Transition:
    """close, commit or draw, as the operator; judged on the decision and on the answer."""

    round_id: str
    action: str
    operator: str
    beacon_source: str | None = None
    beacon: str | None = None  # hex as sent; None: the field is left out

    @property
    def requirement(self) -> str:
        return "I-01" if self.action == "close" else "I-05"

    @property
    def step(self) -> str:
        return f"{self.action} {self.round_id}"

    def call(self, world: World) -> Call:
        body: dict[str, Any] | None = None
        if self.action == "commit":
            body = {} if self.beacon_source is None else {"beacon_source": self.beacon_source}
        elif self.action == "draw":
            body = {} if self.beacon is None else {"beacon": self.beacon}
        return Call("POST", f"/v1/rounds/{self.round_id}/{self.action}", self.operator, body)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        if self.action == "draw" and r.results is not None:
            redrawn = redraw_problem(r.results, reply.status, reply.data, reply.index)
            if redrawn is not None:
                return redrawn
        expect = transition_outcome(r, self.action)
        wrong = outcome_violation(self.requirement, self.step, reply, [expect])
        if wrong or expect.status != 200:
            return wrong
        body = object_of(reply, self.requirement, self.step)
        if isinstance(body, Violation):
            return body
        judged = getattr(self, f"_{self.action}")(r, body, reply)
        if judged is None:
            r.state = next_state(self.action)
        return judged

    def _close(self, r: Any, body: dict[str, Any], reply: Reply) -> Violation | None:
        problem = fields_problem(body, {"applicants": "int", "applicants_digest": "hex64"})
        if problem:
            return shape_violation("I-01", self.step, problem, reply)
        eligible = tuple(r.applicants)
        want = (len(eligible), digest_of(eligible))
        got = (body["applicants"], body["applicants_digest"])
        if got != want:
            return Violation.of("I-01", "invariants.close_differs",
                                "closing answered {observed_count} applicants (digest {observed}),"
                                " but {count} registrations were acknowledged (digest {expected})",
                                reply.index, observed_count=got[0], observed=str(got[1])[:16],
                                count=want[0], expected=want[1][:16])
        r.eligible, r.digest = eligible, want[1]
        return None

    def _commit(self, r: Any, body: dict[str, Any], reply: Reply) -> Violation | None:
        problem = fields_problem(body, {"seed_commitment": "hex64", "beacon_source": "str"})
        if problem:
            return shape_violation("I-05", self.step, problem, reply)
        if body["beacon_source"] != (self.beacon_source or ""):
            return Violation.of("I-05", "invariants.beacon_source",
                                "commit published beacon_source {observed}, the operator sent "
                                "{expected}", reply.index, observed=str(body["beacon_source"])[:80],
                                expected=self.beacon_source or "")
        r.commitment = {k: body[k] for k in ("seed_commitment", "beacon_source")}
        return None

    def _draw(self, r: Any, body: dict[str, Any], reply: Reply) -> Violation | None:
        problem = results_problem(r, body, self.beacon or "", reply.index)
        if problem is None:
            r.results = dict(body)
        return problem


@dataclass(frozen=True)
class ReadApplicants:
    round_id: str
    requirement: ClassVar[str] = "I-01"

    @property
    def step(self) -> str:
        return f"read the applicant list of {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}/applicants")

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        expect = Expect(409, "wrong_state") if r.state == "registration" else Expect(200)
        wrong = outcome_violation("I-01", self.step, reply, [expect])
        if wrong or expect.status != 200:
            return wrong
        return list_problem(r, reply.content, reply.index)


@dataclass(frozen=True)
class ReadResults:
    round_id: str
    requirement: ClassVar[str] = "I-05"

    @property
    def step(self) -> str:
        return f"read the results of {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}/results")

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        expect = Expect(200) if r.results is not None else Expect(409, "not_drawn")
        wrong = outcome_violation("I-05", self.step, reply, [expect])
        if wrong or r.results is None:
            return wrong
        body = object_of(reply, "I-05", self.step)
        if isinstance(body, Violation):
            return body
        return results_change(r.results, body, reply.index)


@dataclass(frozen=True)
class ReadRound:
    """GET the round: its state and published applicant count agree with the model."""

    round_id: str
    requirement: ClassVar[str] = "I-01"

    @property
    def step(self) -> str:
        return f"read round {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}")

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        wrong = outcome_violation("I-01", self.step, reply, [Expect(200)])
        body = reply.data if wrong is None else None
        if wrong or not isinstance(body, dict):
            return wrong or shape_violation("I-01", self.step, "is not a JSON object", reply)
        if body.get("applicants") != len(r.applicants):
            return Violation.of("I-01", "invariants.round_count",
                                "the round publishes {observed} applicants, {expected} "
                                "registrations were acknowledged", reply.index,
                                observed=str(body.get("applicants")), expected=len(r.applicants))
        if body.get("state") != r.state:
            return Violation.of(_STATE_OWNER[r.state], "invariants.round_state",
                                "the round is in state {observed}, the operations acknowledged "
                                "so far put it in {expected}", reply.index,
                                observed=str(body.get("state"))[:40], expected=r.state)
        return None


@dataclass(frozen=True)
class ReadAudit:
    """I-05: the round's audit chain recomputes and records what happened."""

    round_id: str
    operator: str
    requirement: ClassVar[str] = "I-05"

    @property
    def step(self) -> str:
        return f"read the audit log of {self.round_id}"

    def call(self, world: World) -> Call:
        return Call("GET", f"/v1/rounds/{self.round_id}/audit", self.operator)

    def judge(self, world: World, reply: Reply) -> Violation | None:
        r = world.rounds[self.round_id]
        wrong = outcome_violation("I-05", self.step, reply, [Expect(200)])
        body = reply.data if wrong is None else None
        if wrong or not isinstance(body, dict):
            return wrong or shape_violation("I-05", self.step, "is not a JSON object", reply)
        entries = body.get("entries")
        problem = chain_problem(entries, self.round_id)
        if problem is None and isinstance(entries, list):
            problem = lifecycle_events(entries, r.state, len(r.deposits))
        if problem:
            return Violation.of("I-05", "invariants.audit_chain",
                                "the audit chain does not verify: {problem}", reply.index,
                                problem=problem)
        return None
