"""The ``fairness:`` section of a profile: sizes of the run, and the statistics' own settings.

Every number the fairness suite uses is here or in ``statistics`` (``FairnessConfig``, whose
field names are the keys of ``fairness.statistics``); docs/profiles.md lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.fairness.battery_verdict import sequences_needed
from harness.fairness.config import FairnessConfig
from harness.profiles import setting

__all__ = ["FairnessSettings", "LabPopulation", "RealRound"]

_SLOTS = 10_000_000  # ASTI-1: primary_slots and reserve_slots lie in 0..10,000,000


@dataclass(frozen=True)
class LabPopulation:
    """One registered population and the practice draws asked of the lab endpoint over it."""

    applicants: int = setting(low=2, high=2_000_000)
    primary_slots: int = setting(low=1, high=_SLOTS)
    reserve_slots: int = setting(low=0, high=_SLOTS)
    draws: int = setting(low=10, high=1_000_000)
    related_pairs: int = setting(low=0, high=500_000)

    def __post_init__(self) -> None:
        if 2 * self.related_pairs > self.draws:
            raise ValueError("related_pairs takes two draws each: at most draws / 2")
        if self.primary_slots >= self.applicants:
            raise ValueError("primary_slots must be below applicants, or every draw is the same")


@dataclass(frozen=True)
class RealRound:
    """One real round for F-06: created, registered, committed and drawn as a vendor would."""

    applicants: int = setting(low=0, high=100_000)
    primary_slots: int = setting(low=0, high=_SLOTS)
    reserve_slots: int = setting(low=0, high=_SLOTS)
    beacon: bool = True


@dataclass(frozen=True)
class FairnessSettings:
    """The fairness suite's profile section (see docs/profiles.md for each key)."""

    populations: tuple[LabPopulation, ...]
    real_rounds: tuple[RealRound, ...]
    region_weights: tuple[float, ...] = setting(low=0)
    registration_workers: int = setting(low=1, high=64)
    lab_batch: int = setting(low=1, high=1000)  # ASTI-1 takes 1..1000 seeds per lab call
    battery_sequences: int = setting(low=1, high=100_000)
    request_deadline: float = setting(low=0.1, high=3600)
    deposit_amount: int = setting(low=1, high=10**15)
    statistics: FairnessConfig = FairnessConfig()

    def __post_init__(self) -> None:
        if not self.populations:
            raise ValueError("populations must list at least one population")
        if not any(r.beacon for r in self.real_rounds) or all(r.beacon for r in self.real_rounds):
            raise ValueError("real_rounds needs at least one round with a beacon and one without")
        if len(self.region_weights) < 2 or len(set(self.region_weights)) < 2:
            raise ValueError("region_weights needs at least two regions of unequal size")
        needed = sequences_needed(self.statistics)
        if self.battery_sequences < needed:
            raise ValueError(f"battery_sequences {self.battery_sequences} is below {needed},"
                             " the number the F-07 rule needs at this alpha")

    def false_alarm_bound(self) -> float:
        """F-01..F-05 together at most alpha (one Holm family over every population), F-07 at
        most alpha (one Holm family over its battery columns); F-06 is exact and never errs on a
        correct system. So at most 2 alpha per run."""
        return 2 * self.statistics.alpha
