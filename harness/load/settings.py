"""The ``load:`` section of a profile: the rushes' sizes, the clients' behaviour and the SLOs.

Every number the load suite uses is here; docs/profiles.md explains each key. ``thresholds``
are k6-style lines (``"deposit p95 < 500 ms"``, ``"deposit error_ratio < 0.5%"``), parsed by
``harness.load.thresholds`` when the profile is read, so a mistyped one is a usage error.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.load.thresholds import Threshold, parse_threshold
from harness.profiles import setting

__all__ = ["Behaviour", "CrashSettings", "LoadSettings", "RoundSize"]

_SLOTS = 10_000_000


@dataclass(frozen=True)
class RoundSize:
    """A round the suite prepares: registered applicants, and the winners and reserves drawn."""

    applicants: int = setting(low=2, high=1_000_000)
    primary_slots: int = setting(low=1, high=_SLOTS)
    reserve_slots: int = setting(low=0, high=_SLOTS)

    def __post_init__(self) -> None:
        if self.primary_slots >= self.applicants:
            raise ValueError("primary_slots must be below applicants, or nobody is refused")


@dataclass(frozen=True)
class Behaviour:
    """Shares of the paying winners who misbehave as real clients do (the rest pay once).

    ``timeout_retry``: give up after ``short_timeout`` and pay again with the same key;
    ``double_new_key``: pay, then pay again with a new key; ``simultaneous``: two payments with
    two keys at the same instant. ``impostors``: clients paying with a loser's token while naming
    a winner, or with a token nobody was given.
    """

    timeout_retry: float = setting(0.1, low=0, high=1)
    double_new_key: float = setting(0.1, low=0, high=1)
    simultaneous: float = setting(0.1, low=0, high=1)
    impostors: int = setting(20, low=0, high=100_000)
    me_polls: int = setting(2, low=0, high=100)
    short_timeout: float = setting(0.005, low=0.001, high=10)

    def __post_init__(self) -> None:
        if self.timeout_retry + self.double_new_key + self.simultaneous > 1:
            raise ValueError("the behaviour shares add up to more than 1")


@dataclass(frozen=True)
class CrashSettings:
    """L-04: a second round whose deposit rush is interrupted by a kill and restart."""

    round: RoundSize = RoundSize(200, 100, 20)
    at_fraction: float = setting(0.3, low=0.01, high=0.95)  # of the winners acknowledged
    rush_seconds: float = setting(5.0, low=0.5, high=3600)  # scripts are spread over this time
    restart_timeout: float = setting(60.0, low=1, high=3600)


@dataclass(frozen=True)
class LoadSettings:
    """The load suite's profile section (docs/profiles.md lists each key and its unit)."""

    round: RoundSize
    thresholds: tuple[str, ...]
    users: int = setting(20, low=1, high=100_000)
    spawn_rate: float = setting(20.0, low=0.1, high=100_000)
    arrival_rate: float = setting(0.0, low=0, high=1_000_000)  # scripts/s; 0: as fast as taken
    duration: float = setting(60.0, low=1, high=86_400)  # the longest any one rush may run
    baseline_seconds: float = setting(3.0, low=0.5, high=600)
    results_readers: float = setting(1.0, low=0, high=1)
    behaviour: Behaviour = Behaviour()
    crash: CrashSettings = CrashSettings()
    deposit_amount: int = setting(1_000_000, low=1, high=10**15)
    request_timeout: float = setting(10.0, low=0.1, high=600)
    max_attempts: int = setting(8, low=1, high=100)
    retry_backoff: float = setting(0.1, low=0, high=60)
    retry_backoff_cap: float = setting(2.0, low=0, high=600)
    confidence: float = setting(0.95, low=0.5, high=0.9999)
    bootstrap_resamples: int = setting(2000, low=100, high=100_000)
    min_samples: int = setting(50, low=1, high=10_000_000)
    generator_cpu_limit: float = setting(0.9, low=0.1, high=64)
    max_examples: int = setting(10, low=1, high=1000)
    expect_workers: int = setting(0, low=0, high=1000)  # 0: one local generator process
    master_host: str = "127.0.0.1"
    master_port: int = setting(5557, low=1, high=65535)
    workers_timeout: float = setting(60.0, low=1, high=3600)
    operator_timeout: float = setting(120.0, low=1, high=3600)

    def __post_init__(self) -> None:
        self.parsed_thresholds()  # a bad line is a ValueError, hence a usage error by its name
        if not self.thresholds:
            raise ValueError("thresholds must name at least one SLO")

    def parsed_thresholds(self) -> tuple[Threshold, ...]:
        return tuple(parse_threshold(line) for line in self.thresholds)

    def false_alarm_bound(self) -> float:
        """The chance that a correct system FAILs L-01 or L-02 in one run, at most.

        A threshold FAILs only when its whole two-sided interval at ``confidence`` lies over the
        bound, which for a system whose true value is at the bound (the worst correct case)
        happens with probability (1 - confidence) / 2; straddling is INCONCLUSIVE, never FAIL,
        and a saturated generator only turns FAILs into INCONCLUSIVE. Over every threshold
        line (a union bound, whatever their dependence): lines x (1 - confidence) / 2. L-03 and
        L-04 are exact reconciliations and add nothing.
        """
        return len(self.thresholds) * (1 - self.confidence) / 2
