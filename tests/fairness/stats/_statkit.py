"""Helpers shared by the statistics tests: simulate draws with or without a defect, analyse."""

from __future__ import annotations

import numpy as np

from harness.fairness.analysis import RequirementAnalysis, analyse_draws
from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.population import Population
from harness.fairness.simulate import biased_draws, related_pairs, uniform_draws


def analyse(population: Population, k: int, r: int, m: int, seed: int,
            config: FairnessConfig | None = None, kind: str | None = None,
            strength: float = 1.0) -> dict[str, RequirementAnalysis]:
    """Simulate M draws (correct, or with one defect), pair rows (2i, 2i+1) as related seeds,
    and analyse them."""
    rng = np.random.default_rng(seed)
    if kind is None:
        primary, reserve = uniform_draws(population.size, k, r, m, rng)
    else:
        primary, reserve = biased_draws(kind, population, k, r, m, rng, strength)
    sample = DrawSample(population, k, r, primary, reserve, related_pairs(m))
    return analyse_draws(sample, config or FairnessConfig(), seed)
