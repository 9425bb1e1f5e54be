"""Running the property tests under hypothesis, reproducibly and within the profile's time.

Hypothesis is seeded from the run seed, its example database is off, ``deadline`` is None and its
health checks are off (they judge how fast a test generates data; a slow system under test must
never become a harness error). Each test has a time bound for finding failures and another for
shrinking one: past the bound, examples are not run (no request is sent) and count as skipped, but
hypothesis's final replay of a shrunk example always runs, because it is the reproduction.

Failures are captured here, not read from hypothesis's exception: for each requirement the first
failing example (unshrunk), the one hypothesis replays at the end (shrunk), and the one with the
fewest requests of all that failed. Hypothesis orders examples by its own choices, not by what
they send, so a candidate it tried while shrinking can send fewer requests than the one it
replays; the report shows the fewest. A failure whose final replay does not fail again is still a
FAIL, marked as not reproduced, never hypothesis's Flaky error.

A run that assesses only some requirements (``stop_after``) stops once each of them has failed:
no further example is run and nothing is shrunk, but hypothesis's final replay of the failing
example still runs, so the failure is reproduced.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.control import current_build_context
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test

from harness.invariants.example import Example, RunIds
from harness.invariants.lifecycle import run_lifecycle
from harness.invariants.machine import machine_class
from harness.invariants.strategies import LifecyclePlan, lifecycle_plans
from harness.invariants.violations import Broken, Violation
from harness.invariants.wire import Interrupted, Trace, Wire

__all__ = ["Captured", "Engine", "TestBudget"]

_KEPT_INTERRUPTIONS = 5


@dataclass(frozen=True)
class TestBudget:
    """How much one property test may do: examples, steps (stateful), and its time bounds."""

    examples: int
    time_bound_s: float
    shrink_time_bound_s: float
    steps: int = 0


@dataclass(frozen=True)
class Captured:
    """A failing example: the violation, the example's exchanges, and where it came from."""

    violation: Violation
    kind: str
    number: int
    trace: Trace
    example: Example

    @property
    def requests(self) -> int:
        return len(self.trace.exchanges)


@dataclass
class _Found:
    """Per requirement: the first failing example, the shrunk ones hypothesis replayed at the
    end (one per property test that found it), the failing example with the fewest requests
    (a later one wins a tie: shrunk before unshrunk, the final replay before all), and how many
    examples failed."""

    first: Captured | None = None
    finals: list[Captured] = field(default_factory=list)
    fewest: Captured | None = None
    count: int = 0

    def add(self, captured: Captured, final: bool) -> None:
        self.count += 1
        self.first = self.first or captured
        if final:
            self.finals.append(captured)
        if self.fewest is None or captured.requests <= self.fewest.requests:
            self.fewest = captured


@dataclass
class _Clock:
    deadline: float
    shrink_bound: float
    shrink_deadline: float | None = None
    shrink_cut: bool = False


def _is_final_replay() -> bool:
    try:
        return bool(current_build_context().is_final)
    except Exception:  # noqa: BLE001 - outside a hypothesis test there is no build context
        return False


@dataclass
class Engine:
    wire: Wire
    operator: str
    ids: RunIds
    seed: int
    clock: Callable[[], float] = time.monotonic
    progress: Callable[[str, int, int | None], None] | None = None
    assessed: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)
    found: dict[str, _Found] = field(default_factory=dict)
    interruptions: list[dict[str, Any]] = field(default_factory=list)
    trouble: Counter[str] = field(default_factory=Counter)  # unjudgeable answers, by requirement
    stop_after: frozenset[str] = frozenset()  # once all of these failed, the run is over
    _time: _Clock = field(default_factory=lambda: _Clock(0.0, 0.0))

    # examples ----------------------------------------------------------------------------------

    def start(self, kind: str) -> Example | None:
        """A new example, or None when its test's time is up (a final replay always runs)."""
        if not self._open():
            self.stats[f"{kind}_skipped"] += 1
            return None
        self.stats[f"{kind}_started"] += 1
        if self.progress is not None:
            self.progress(f"invariants: {kind} examples", self.stats[f"{kind}_started"], None)
        return Example(self.wire, self.operator, self.ids, kind, self.assessed,
                       self._broken, self._interrupted)

    def finished(self, ex: Example) -> None:
        if not ex.stopped:
            self.stats[f"{ex.kind}_completed"] += 1
            for r in ex.world.rounds.values():
                self.stats[f"{ex.kind}_rounds_ending_{r.state}"] += 1

    @property
    def done(self) -> bool:
        """Every requirement in ``stop_after`` has failed (never, when it is empty)."""
        return bool(self.stop_after) and self.stop_after <= self.found.keys()

    def _open(self) -> bool:
        if _is_final_replay():
            return True
        if self.done:
            self.stats["stopped_at_first_fail"] = 1
            return False
        now = self.clock()
        if self._time.shrink_deadline is not None:
            self._time.shrink_cut |= now >= self._time.shrink_deadline
            return now < self._time.shrink_deadline
        return now < self._time.deadline

    def _broken(self, ex: Example, violation: Violation) -> None:
        self.stats[f"{ex.kind}_failed"] += 1
        found = self.found.setdefault(violation.requirement, _Found())
        found.add(Captured(violation, ex.kind, ex.number, ex.wire.trace, ex), _is_final_replay())
        if self._time.shrink_deadline is None:
            self._time.shrink_deadline = self.clock() + self._time.shrink_bound

    def _interrupted(self, ex: Example, exc: Interrupted) -> None:
        self.stats[f"{ex.kind}_interrupted"] += 1
        self.trouble[exc.requirement] += 1
        self.stats[f"interrupted_{exc.reason}"] += 1
        if len(self.interruptions) < _KEPT_INTERRUPTIONS:
            rows = ex.wire.trace.evidence()
            self.interruptions.append({"reason": exc.reason, "requirement": exc.requirement,
                                       "example": f"{ex.kind}{ex.number}",
                                       "exchange": rows[exc.exchange.index - 1]})

    # the two property tests ----------------------------------------------------------------

    def _settings(self, budget: TestBudget) -> settings:
        return settings(
            max_examples=budget.examples, database=None, deadline=None, derandomize=False,
            suppress_health_check=list(HealthCheck), print_blob=False,
            phases=(Phase.explicit, Phase.generate, Phase.shrink), report_multiple_bugs=True,
            stateful_step_count=max(budget.steps, 1), verbosity=Verbosity.quiet,
        )

    def _arm(self, budget: TestBudget) -> None:
        self._time = _Clock(self.clock() + budget.time_bound_s, budget.shrink_time_bound_s)

    def lifecycle(self, budget: TestBudget, max_people: int, max_slots: int) -> None:
        """Whole rounds from creation to final (I-01..I-06 after every stage)."""
        self._arm(budget)

        @self._settings(budget)
        @seed(self.seed)
        @given(lifecycle_plans(max_people, max_slots))
        def test(plan: LifecyclePlan) -> None:
            ex = self.start("lifecycle")
            if ex is None:
                return
            self.stats["lifecycle_crowds"] += plan.crowd
            try:
                with ex.guard():
                    run_lifecycle(ex, plan)
            finally:
                self.finished(ex)

        self._run(test)
        self._close_clock("lifecycle")

    def stateful(self, budget: TestBudget, max_people: int, max_slots: int) -> None:
        """The rule-based state machine over one or two rounds, with concurrent steps."""
        self._arm(budget)
        machine = machine_class(self.start, self.finished, max_people, max_slots)
        seed(self.seed + 1)(machine)
        self._run(lambda: run_state_machine_as_test(machine, settings=self._settings(budget)))
        self._close_clock("machine")

    def _close_clock(self, kind: str) -> None:
        if self.stats[f"{kind}_skipped"] and not self.done:
            self.stats[f"{kind}_time_bound_reached"] = 1
        if self._time.shrink_cut:
            self.stats[f"{kind}_shrink_bound_reached"] = 1

    @staticmethod
    def _run(test: Callable[[], None]) -> None:
        """Run a hypothesis test; its failures are already captured, anything else is ours."""
        try:
            test()
        except (Broken, Flaky):
            return
        except BaseExceptionGroup as group:
            rest = group.split((Broken, Flaky))[1]
            if rest is not None:
                raise rest from None
