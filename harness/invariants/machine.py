"""The stateful test: registrations, transitions, deposits, retries and promotion in random order.

A ``RuleBasedStateMachine`` drives one or two rounds of one example against the model, including
steps sent concurrently (two draws at once, a deposit racing the window's close, a retried close
racing its original, a deposit and its retry, one person paying in two rounds open at once). Rules
carry no preconditions and choose rounds and applicants by index into what the model holds, so the
choices hypothesis makes never depend on what the system answered: a replay of the same choices
is the same program, whatever a concurrent step's winner was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from harness.invariants.example import Example
from harness.invariants.lifecycle import register_entry, sweep, wrong_amount
from harness.invariants.model import RoundModel
from harness.invariants.ops import Op, ReadApplicants, ReadResults, ReadRound, Transition
from harness.invariants.ops_money import CloseDeposits, Deposit, Me, ReadLedger, ReadPromotions
from harness.invariants.strategies import Entry, amounts, beacons, entries

__all__ = ["machine_class"]

_ADVANCE = {"registration": "close", "closed": "commit", "committed": "draw"}
_MISSTEPS = ("close", "commit", "draw", "drawn", "promotion", "final")


def machine_class(
    start: Callable[[str], Example | None],
    finished: Callable[[Example], None],
    max_people: int,
    max_slots: int,
) -> type[RuleBasedStateMachine]:
    """A state machine class whose examples come from ``start`` (None: the time is up, run
    nothing) and report their end to ``finished``."""
    people = st.integers(0, max(max_people - 1, 0))
    pick = st.integers(0, 63)

    class AllocationMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ex = start("m")
            self.rounds: list[RoundModel] = []
            self.keys = 0

        def _ok(self) -> Example | None:
            return self.ex if self.ex is not None and not self.ex.stopped else None

        def _round(self, index: int) -> RoundModel | None:
            return self.rounds[index % len(self.rounds)] if self.rounds else None

        def _applicant(self, r: RoundModel, index: int) -> str | None:
            ids = list(r.applicants)
            return ids[index % len(ids)] if ids else None

        @initialize(
            configs=st.lists(st.tuples(st.integers(0, max_slots), st.integers(0, max_slots),
                                       amounts()), min_size=1, max_size=2),
            population=st.lists(people, max_size=max_people),
        )
        def open_rounds(self, configs: list[tuple[int, int, int]], population: list[int]) -> None:
            ex = self._ok()
            if ex is None:
                return
            with ex.guard():
                for letter, (k, r, amount) in zip("ab", configs, strict=False):
                    self.rounds.append(ex.create_round(letter, k, r, amount))
                for n, person in enumerate(population):
                    register_entry(ex, self.rounds[n % len(self.rounds)], Entry(person))

        @rule(which=pick, entry=entries(max_people))
        def register(self, which: int, entry: Entry) -> None:
            self._do(lambda ex, r: register_entry(ex, r, entry), which)

        @rule(which=pick, beacon=beacons())
        def advance(self, which: int, beacon: str | None) -> None:
            """The round's next step: close, commit, draw, then the two window closes."""
            def step(ex: Example, r: RoundModel) -> None:
                if r.state in _ADVANCE:
                    ex.run(Transition(r.round_id, _ADVANCE[r.state], ex.operator, beacon=beacon,
                                      beacon_source="machine" if beacon else None))
                elif r.state in ("drawn", "promotion"):
                    ex.run(CloseDeposits(r.round_id, r.state, ex.operator))
                else:
                    sweep(ex, r, audit=False)
            self._do(step, which)

        @rule(which=pick, action=st.sampled_from(_MISSTEPS))
        def any_step(self, which: int, action: str) -> None:
            """A transition or window close whatever the state: out of order it is refused."""
            def step(ex: Example, r: RoundModel) -> None:
                if action in ("close", "commit", "draw"):
                    ex.run(Transition(r.round_id, action, ex.operator))
                else:
                    ex.run(CloseDeposits(r.round_id, action, ex.operator))
            self._do(step, which)

        @rule(which=pick, beacon=beacons())
        def two_draws_at_once(self, which: int, beacon: str | None) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                op = Transition(r.round_id, "draw", ex.operator, beacon=beacon)
                ex.together([op, op], "two draws at once")
            self._do(step, which)

        @rule(which=pick, applicant=pick, amount_kind=st.sampled_from(["right", "wrong"]),
              reuse=st.booleans())
        def deposit(self, which: int, applicant: int, amount_kind: str, reuse: bool) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                aid = self._applicant(r, applicant)
                if aid is None:
                    return
                amount = r.deposit_amount
                ex.run(Deposit(r.round_id, aid, self._key(reuse),
                               amount if amount_kind == "right" else wrong_amount(amount)))
            self._do(step, which)

        @rule(which=pick, applicant=pick)
        def deposit_and_retry_at_once(self, which: int, applicant: int) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                aid = self._applicant(r, applicant)
                if aid is not None:
                    op = Deposit(r.round_id, aid, self._key(False), r.deposit_amount,
                                 racing_same_key=True)
                    ex.together([op, op], "a deposit and its retry at once")
            self._do(step, which)

        @rule(which=pick, applicant=pick)
        def deposit_racing_close(self, which: int, applicant: int) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                aid = self._applicant(r, applicant)
                if aid is None:
                    return
                window = r.state if r.state in ("drawn", "promotion") else "drawn"
                ops: list[Op] = [Deposit(r.round_id, aid, self._key(False), r.deposit_amount),
                                 CloseDeposits(r.round_id, window, ex.operator)]
                ex.together(ops, "a deposit racing the window's close")
            self._do(step, which)

        @rule(which=pick)
        def close_and_retry_at_once(self, which: int) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                window = r.state if r.state in ("drawn", "promotion") else "drawn"
                op = CloseDeposits(r.round_id, window, ex.operator)
                ex.together([op, op], "a window close and its retry at once")
            self._do(step, which)

        @rule(person=people)
        def pay_in_two_rounds_at_once(self, person: int) -> None:
            """One person, registered in both rounds, pays in both at the same moment."""
            ex = self._ok()
            if ex is None or len(self.rounds) < 2:
                return
            nid = ex.people.national_id(person)
            payers = [(r, a) for r in self.rounds for a in r.applicants.values()
                      if a.national_id == nid]
            if len(payers) < 2:
                return
            with ex.guard():
                ops: list[Op] = [Deposit(r.round_id, a.applicant_id, self._key(False),
                                         r.deposit_amount) for r, a in payers[:2]]
                ex.together(ops, "one person paying in two rounds at once")

        @rule(which=pick, applicant=pick)
        def deposit_with_another_rounds_token(self, which: int, applicant: int) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                other = [o for o in self.rounds if o is not r and o.applicants]
                aid = self._applicant(r, applicant)
                if other and aid is not None:
                    stranger = self._applicant(other[0], applicant)
                    assert stranger is not None
                    ex.run(Deposit(r.round_id, aid, self._key(False), r.deposit_amount,
                                   token_of=(other[0].round_id, stranger)))
            self._do(step, which)

        @rule(which=pick, applicant=pick, what=st.sampled_from(
            ["me", "results", "promotions", "applicants", "round", "ledger"]))
        def read(self, which: int, applicant: int, what: str) -> None:
            def step(ex: Example, r: RoundModel) -> None:
                aid = self._applicant(r, applicant)
                rid = r.round_id
                ops: dict[str, Any] = {
                    "me": Me(rid, aid) if aid else ReadRound(rid), "results": ReadResults(rid),
                    "promotions": ReadPromotions(rid), "applicants": ReadApplicants(rid),
                    "round": ReadRound(rid), "ledger": ReadLedger(rid, ex.operator)}
                ex.run(ops[what])
            self._do(step, which)

        def teardown(self) -> None:
            ex = self._ok()
            if ex is not None:
                with ex.guard():
                    for r in self.rounds:
                        sweep(ex, r)
            if self.ex is not None:
                finished(self.ex)

        def _key(self, reuse: bool) -> str:
            if not reuse or self.keys == 0:
                self.keys += 1
            return f"k{self.keys}"

        def _do(self, step: Callable[[Example, RoundModel], None], which: int) -> None:
            ex = self._ok()
            r = self._round(which)
            if ex is None or r is None:
                return
            with ex.guard():
                step(ex, r)

    return AllocationMachine
