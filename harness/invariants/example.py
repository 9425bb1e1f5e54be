"""One example: its own rounds and people, the model of them, and how operations are run.

Every example creates fresh rounds (``lab-<run part>-<kind><number>-<letter>``) and takes a fresh
block of national ids, both numbered by the example's place in the run, so nothing an earlier
example left in the system can change what this one sees (DESIGN.md section 7).

``run`` sends one operation and judges it. ``together`` sends operations at the same moment and
accepts the answers when some serial order of the operations explains them all; the model then
continues from that order, i.e. from what the system was observed to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

from harness.invariants.model import RoundModel, World
from harness.invariants.ops import Op
from harness.invariants.people import IdBlock
from harness.invariants.shapes import object_of
from harness.invariants.violations import Broken, Violation, raise_violation
from harness.invariants.wire import Call, Interrupted, Reply, Wire

__all__ = ["Example", "RunIds"]


@dataclass
class RunIds:
    """The run's naming: round ids (``name_round(purpose)`` gives ``lab-<run part>-<purpose>``),
    the run's national-id space, and the example counter."""

    name_round: Callable[[str], str]
    nid_base: int
    block: int
    examples: int = 0

    def next_number(self) -> int:
        self.examples += 1
        return self.examples


@dataclass
class Example:
    wire: Wire
    operator: str
    ids: RunIds
    kind: str
    assessed: Counter[str]
    on_broken: Callable[[Example, Violation], None]
    on_interrupted: Callable[[Example, Interrupted], None]
    number: int = 0
    world: World = field(default_factory=World)
    people: IdBlock = field(init=False)
    stopped: bool = False

    def __post_init__(self) -> None:
        self.number = self.ids.next_number()
        base = self.ids.nid_base + self.number * self.ids.block
        self.people = IdBlock(base, self.ids.block)
        self.wire.new_trace(self.operator)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Report a violation (and let it end the example for hypothesis to shrink) or an
        interruption (which ends the example quietly: it is counted, not judged)."""
        try:
            yield
        except Broken as exc:
            self.stopped = True
            self.on_broken(self, exc.violation)
            raise
        except Interrupted as exc:
            self.stopped = True
            self.on_interrupted(self, exc)

    def round_id(self, letter: str) -> str:
        return self.ids.name_round(f"{self.kind[0]}{self.number}-{letter}")

    def create_round(self, letter: str, primary: int, reserve: int, amount: int) -> RoundModel:
        """Create a fresh round; a refusal means the run cannot go on (not a violation)."""
        rid = self.round_id(letter)
        body = {"round_id": rid, "primary_slots": primary, "reserve_slots": reserve,
                "deposit_amount": amount}
        reply = self.wire.send(f"create round {rid}", Call("POST", "/v1/rounds", self.operator,
                                                           body), "I-01")
        created = object_of(reply, "I-01", "create round")
        if reply.status != 201 or isinstance(created, Violation):
            exchange = self.wire.trace.exchanges[-1]
            raise Interrupted(f"create_round_{reply.status}", "I-01", exchange)
        model = RoundModel(rid, primary, reserve, amount)
        self.world.rounds[rid] = model
        return model

    def run(self, op: Op) -> Reply:
        """Send ``op`` and judge its answer; a violation ends the example."""
        reply = self.wire.send(op.step, op.call(self.world), op.requirement,
                               repeatable=getattr(op, "repeatable", False))
        self.assessed[op.requirement] += 1
        violation = op.judge(self.world, reply)
        if violation is not None:
            raise_violation(violation)
        self._learn_tokens()
        return reply

    def together(self, ops: Sequence[Op], what: str) -> list[Reply]:
        """Send ``ops`` at once; some serial order must explain every answer."""
        calls = [(op.call(self.world), op.requirement) for op in ops]
        replies = self.wire.send_together(what, calls)
        for op in ops:
            self.assessed[op.requirement] += 1
        found: list[Violation] = []
        for order in permutations(range(len(ops))):
            trial = self.world.copy()
            problem = _first_violation(trial, [(ops[i], replies[i]) for i in order])
            if problem is None:
                self.world = trial
                self._learn_tokens()
                return replies
            found.append(problem)
        raise_violation(_no_serial_order(found[0], what))
        return replies  # not reached: raise_violation always raises

    def _learn_tokens(self) -> None:
        for r in self.world.rounds.values():
            for a in r.applicants.values():
                self.wire.trace.label_token(a.token, a.label)

    def label(self, person: int) -> str:
        return f"P{person}"


def _first_violation(world: World, pairs: list[tuple[Op, Reply]]) -> Violation | None:
    for n, (op, reply) in enumerate(pairs):
        behind = getattr(op, "behind", None)
        judged = behind([o for o, _ in pairs[:n]]) if behind else op
        found = judged.judge(world, reply)
        if found is not None:
            return found
    return None


def _no_serial_order(first: Violation, what: str) -> Violation:
    params: dict[str, Any] = dict(first.params, together=what, first=first.message())
    text = f"{what}: no serial order of the requests explains the answers; in the first order, " \
           f"{first.text}"
    return Violation(first.requirement, "invariants.no_serial_order", text, params, first.exchange)
