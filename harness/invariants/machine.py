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
_DEPOSITS = ("right", "wrong", "used_key", "other_rounds_token")
_TOGETHER = ("deposit_racing_close", "two_draws", "deposit_and_retry", "close_and_retry",
             "pay_in_two_rounds")


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
            self.ex = start("machine")
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
                for letter, (primary, reserve, amount) in zip("ab", configs, strict=False):
                    self.rounds.append(ex.create_round(letter, primary, reserve, amount))
                for n, r in enumerate(self.rounds):  # round b: every other person of a
                    for person in population[::n + 1]:
                        register_entry(ex, r, Entry(person))

        @rule(which=pick, entry=entries(max_people))
        def register(self, which: int, entry: Entry) -> None:
            self._do(lambda ex, r: register_entry(ex, r, entry), which)

        @rule(which=pick, beacon=beacons())
        def advance(self, which: int, beacon: str | None) -> None:
            """One round's next step: close, commit, draw, then the two window closes."""
            self._do(lambda ex, r: self._advance(ex, r, beacon), which)

        @rule(beacon=beacons())
        def advance_all(self, beacon: str | None) -> None:
            """Every round's next step, so that rounds reach the deposit windows together."""
            for n in range(len(self.rounds)):
                self._do(lambda ex, r: self._advance(ex, r, beacon), n)

        @rule(which=pick, action=st.sampled_from(_MISSTEPS))
        def any_step(self, which: int, action: str) -> None:
            """A transition or window close whatever the state: out of order it is refused."""
            def step(ex: Example, r: RoundModel) -> None:
                if action in ("close", "commit", "draw"):
                    ex.run(Transition(r.round_id, action, ex.operator))
                else:
                    ex.run(CloseDeposits(r.round_id, action, ex.operator))
            self._do(step, which)

        @rule(which=pick, applicant=pick, kind=st.sampled_from(_DEPOSITS))
        def deposit(self, which: int, applicant: int, kind: str) -> None:
            """A deposit of the right or a wrong amount, with a new or a used key, or with the
            token of an applicant of the other round."""
            def step(ex: Example, r: RoundModel) -> None:
                aid = self._applicant(r, applicant)
                if aid is None:
                    return
                amount = wrong_amount(r.deposit_amount) if kind == "wrong" else r.deposit_amount
                token_of = None
                if kind == "other_rounds_token":
                    other = [o for o in self.rounds if o is not r and o.applicants]
                    if not other:
                        return
                    token_of = (other[0].round_id, self._applicant(other[0], applicant) or "")
                ex.run(Deposit(r.round_id, aid, self._key(kind == "used_key"), amount,
                               token_of=token_of))
            self._do(step, which)

        @rule(which=pick, applicant=pick, kind=st.sampled_from(_TOGETHER), beacon=beacons())
        def at_once(self, which: int, applicant: int, kind: str, beacon: str | None) -> None:
            """Two requests at the same moment; some serial order must explain both answers."""
            def step(ex: Example, r: RoundModel) -> None:
                ops = self._together(ex, r, applicant, kind, beacon)
                if ops:
                    ex.together(ops, kind.replace("_", " "))
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

        def _advance(self, ex: Example, r: RoundModel, beacon: str | None) -> None:
            if r.state in _ADVANCE:
                ex.run(Transition(r.round_id, _ADVANCE[r.state], ex.operator, beacon=beacon,
                                  beacon_source="machine" if beacon else None))
            elif r.state in ("drawn", "promotion"):
                ex.run(CloseDeposits(r.round_id, r.state, ex.operator))
            else:
                sweep(ex, r, audit=False)

        def _together(
            self, ex: Example, r: RoundModel, applicant: int, kind: str, beacon: str | None
        ) -> list[Op]:
            window = r.state if r.state in ("drawn", "promotion") else "drawn"
            close = CloseDeposits(r.round_id, window, ex.operator)
            if kind == "two_draws":
                draw = Transition(r.round_id, "draw", ex.operator, beacon=beacon)
                return [draw, draw]
            if kind == "close_and_retry":
                return [close, close]
            if kind == "pay_in_two_rounds":
                return self._pay_twice(applicant)
            aid = self._applicant(r, applicant)
            if aid is None:
                return []
            pay = Deposit(r.round_id, aid, self._key(False), r.deposit_amount)
            return [pay, pay] if kind == "deposit_and_retry" else [pay, close]

        def _pay_twice(self, applicant: int) -> list[Op]:
            """One person registered in both rounds pays in both at once."""
            by_person: dict[str, list[tuple[RoundModel, str]]] = {}
            for r in self.rounds:
                for a in r.applicants.values():
                    by_person.setdefault(a.national_id, []).append((r, a.applicant_id))
            both = [pairs for pairs in by_person.values() if len(pairs) > 1]
            if not both:
                return []
            pairs = both[applicant % len(both)]
            return [Deposit(r.round_id, aid, self._key(False), r.deposit_amount)
                    for r, aid in pairs[:2]]

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
