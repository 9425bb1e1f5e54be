"""The ``security:`` section of a profile: every size, bound and threshold the security suite uses.

docs/profiles.md describes each key. The statistical parts (S-04's token analysis and S-05's
seed-structure analysis) each run one Holm family at ``alpha``, so a correct system is failed by
them with probability at most ``2 * alpha`` per run (``false_alarm_bound``); every other check is
exact (a 2xx where the contract demands a refusal, a reproduced seed, a traceback in a body).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.profiles import setting

__all__ = ["LEVELS", "SecuritySettings", "StaticRule"]

Level = Literal["low", "medium", "high"]
LEVELS: dict[str, int] = {"undefined": 0, "low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class StaticRule:
    """A bandit finding fails S-09 when its severity and its confidence both reach these."""

    severity: Level
    confidence: Level

    def matches(self, severity: str, confidence: str) -> bool:
        return (LEVELS.get(severity.lower(), 0) >= LEVELS[self.severity]
                and LEVELS.get(confidence.lower(), 0) >= LEVELS[self.confidence])


_DEFAULT_RULES = (StaticRule("high", "low"), StaticRule("medium", "medium"))


@dataclass(frozen=True)
class SecuritySettings:
    """The security suite's profile section."""

    time_budget: float = setting(120.0, low=5, high=86_400)  # the whole suite, seconds
    request_deadline: float = setting(15.0, low=0.1, high=600)  # one request, seconds
    deposit_amount: int = setting(1000, low=1, high=10**15)
    alpha: float = setting(0.001, low=1e-12, high=0.1)
    # S-04: applicant tokens sampled, and the least per-position capacity (bits) accepted.
    token_samples: int = setting(400, low=50, high=100_000)
    token_capacity_bits: float = setting(96.0, low=1, high=4096)
    registration_workers: int = setting(4, low=1, high=64)
    # S-05: server seeds pulled from the lab source, real rounds drawn, weak constructions tried.
    lab_seed_samples: int = setting(400, low=0, high=65_536)
    seed_capacity_bits: float = setting(128.0, low=1, high=256)
    real_rounds: int = setting(3, low=1, high=100)
    seed_time_window: float = setting(3.0, low=0, high=3600)  # seconds either side of the commit
    random_seed_bound: int = setting(4096, low=0, high=10**7)  # Python random seeds 0..bound-1
    # S-08: schemathesis examples per operation, caller and generation mode, and its time bound.
    fuzz_examples: int = setting(10, low=1, high=100_000)
    fuzz_time_budget: float = setting(20.0, low=1, high=86_400)
    # S-09: bandit's time bound and what fails (default: HIGH, or MEDIUM with MEDIUM+ confidence).
    static_timeout: float = setting(120.0, low=1, high=86_400)
    static_fail_when: tuple[StaticRule, ...] = _DEFAULT_RULES

    def __post_init__(self) -> None:
        if not self.static_fail_when:
            raise ValueError("static_fail_when needs at least one rule")

    def false_alarm_bound(self) -> float:
        """S-04 and S-05 each run one Holm family at ``alpha``; the other checks are exact."""
        return 2 * self.alpha
