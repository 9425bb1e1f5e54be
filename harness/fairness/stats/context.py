"""What every requirement's tests share: the sample, the config, counts, and test assembly."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.stats.chisq import Outcome
from harness.fairness.stats.counting import selection_counts
from harness.fairness.stats.result import Pending, StatTest

__all__ = ["Built", "Context"]


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, eq=False)
class Context:
    """One run's sample and settings with the counts every test reads."""

    sample: DrawSample
    config: FairnessConfig
    rng: np.random.Generator

    @property
    def n(self) -> int:
        return self.sample.population.size

    @property
    def k(self) -> int:
        return self.sample.primary_size

    @property
    def r(self) -> int:
        return self.sample.reserve_size

    @property
    def m(self) -> int:
        return self.sample.n_draws

    @cached_property
    def primary_counts(self) -> np.ndarray:
        return selection_counts(self.sample.primary, self.n)

    @cached_property
    def reserve_counts(self) -> np.ndarray:
        return selection_counts(self.sample.reserve, self.n)

    def test(self, requirement: str, name: str, null: str, outcome: Outcome, effect_label: str,
             source: str, effect: float | None = None, alternative: str = "") -> StatTest:
        """A StatTest from an Outcome; power, MDE and the Holm p-value come later."""
        return StatTest(
            requirement=requirement, name=name, null_hypothesis=null,
            statistic=float(outcome.statistic),
            df=None if outcome.df is None else float(outcome.df),
            p_value=float(outcome.p_value), adjusted_p_value=None,
            effect_size=_number(outcome.effect_size if effect is None else effect),
            effect_label=effect_label, mde=None, power=None, n_applicants=self.n,
            n_draws=self.m, alternative=alternative, source=source)


@dataclass
class Built:
    """The tests of one requirement before Holm, its plots, and why any test was not run.

    ``unmet`` names stated biases that this sample cannot test at all (power 0)."""

    requirement: str
    pending: list[Pending] = field(default_factory=list)
    plots: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
