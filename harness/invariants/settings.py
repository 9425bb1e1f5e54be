"""The ``invariants:`` section of a profile: example counts, sizes and time bounds.

Every number the invariant suite uses is here; docs/profiles.md lists them with their meaning.
The suite is not statistical (a correct system passes every example), so it has no alpha and adds
nothing to a profile's false-alarm rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.profiles import setting

__all__ = ["InvariantSettings"]


@dataclass(frozen=True)
class InvariantSettings:
    """Example counts and sizes of the two property tests, and how long each may take."""

    lifecycle_examples: int = setting(low=1, high=100_000)  # whole rounds, creation to final
    machine_examples: int = setting(low=1, high=100_000)  # runs of the state machine
    machine_steps: int = setting(low=1, high=1_000)  # rules per state-machine run
    max_people: int = setting(low=1, high=1_000)  # distinct people an example may register
    max_slots: int = setting(low=2, high=1_000)  # upper bound of K and R in random plans
    lifecycle_time_bound: float = setting(low=1, high=86_400)  # seconds to find failures
    machine_time_bound: float = setting(low=1, high=86_400)
    shrink_time_bound: float = setting(low=0, high=86_400)  # seconds to shrink, per test
    # Below this many completed examples (both tests together) a requirement that saw no
    # failure is INCONCLUSIVE, not PASS: the time bound or the target cut the run short.
    min_completed_examples: int = setting(low=1, high=200_000)
    request_deadline: float = setting(low=0.1, high=3_600)  # one request, send to last byte
    transient_retries: int = setting(low=0, high=20)  # resends after a 503 or 408
    retry_after_cap: float = setting(low=0, high=600)  # longest Retry-After honoured (s)

    def __post_init__(self) -> None:
        if self.min_completed_examples > self.lifecycle_examples + self.machine_examples:
            raise ValueError("min_completed_examples exceeds the examples the profile runs")
