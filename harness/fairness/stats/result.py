"""Result records of the fairness statistics: one per test, one per requirement."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from harness.verdict import Verdict

__all__ = ["Pending", "PowerInfo", "RequirementAnalysis", "StatTest", "jsonable"]


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays become floats, ints and lists; NaN and
    infinities become None (JSON has no spelling for them)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, Verdict):
        return value.value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class StatTest:
    """One statistical test of F-01..F-05: statistic, null distribution, p-values, effect size,
    and its power against the requirement's stated bias (``alternative``) where it has one.

    ``effect_size`` and ``mde`` (the minimum detectable effect at the configured power and the
    Holm level) share the unit named by ``effect_label``. ``adjusted_p_value`` is Holm's,
    across every test of F-01..F-05 in the run; ``rejected`` is adjusted_p_value <= alpha.
    """

    requirement: str
    name: str
    null_hypothesis: str
    statistic: float
    df: float | None
    p_value: float
    adjusted_p_value: float | None
    effect_size: float | None
    effect_label: str
    mde: float | None
    power: float | None
    n_applicants: int
    n_draws: int
    alternative: str = ""
    draws_needed: int | None = None
    rejected: bool | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class RequirementAnalysis:
    """The verdict of one requirement with its tests, the reason in words (and as a message id
    with parameters, for reports in other languages), the data of its plots, and the decision
    rule's numbers for this run."""

    requirement: str
    verdict: Verdict
    tests: tuple[StatTest, ...]
    reason: str
    plots: dict[str, Any]
    decision: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""
    message_params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "verdict": self.verdict.value,
            "tests": [t.to_dict() for t in self.tests],
            "reason": self.reason,
            "plots": jsonable(self.plots),
            "decision": jsonable(self.decision),
            "message_id": self.message_id,
            "message_params": jsonable(self.message_params),
        }


@dataclass(frozen=True)
class PowerInfo:
    """Power against the stated bias, the minimum detectable effect, and the draws the power
    target needs, all at a given significance level."""

    power: float | None = None
    mde: float | None = None
    draws_needed: int | None = None


@dataclass(frozen=True)
class Pending:
    """A computed test waiting for the family size (Holm) that fixes its power level."""

    test: StatTest
    power_at: Callable[[float], PowerInfo] = field(default=lambda level: PowerInfo())
