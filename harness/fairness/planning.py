"""How many draws a run needs so that F-01..F-05 reach the power target for a population."""

from __future__ import annotations

import numpy as np

from harness.fairness.analysis import analyse_draws
from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.population import Population
from harness.fairness.simulate import related_pairs, uniform_draws

__all__ = ["required_draws"]

_PROBE_DRAWS = 64


def required_draws(population: Population, primary_slots: int, reserve_slots: int,
                   config: FairnessConfig, seed: int) -> dict[str, int | None]:
    """Per requirement, the smallest M at which each of its stated biases is detected with the
    configured power (None: no M suffices, or the requirement states no bias here).

    The powers depend on the stated biases and on N, K, R and the population's attributes, not on
    the draws' outcomes; they are read off an analysis of a small probe of correct simulated
    draws (every second pair of rows counted as related seeds, as a run would pull them).
    """
    rng = np.random.default_rng(np.random.SeedSequence(abs(int(seed))))
    primary, reserve = uniform_draws(population.size, primary_slots, reserve_slots,
                                     _PROBE_DRAWS, rng)
    sample = DrawSample(population, primary_slots, reserve_slots, primary, reserve,
                        related_pairs(_PROBE_DRAWS))
    needs: dict[str, int | None] = {}
    for rid, analysis in analyse_draws(sample, config, seed).items():
        stated = [t.draws_needed for t in analysis.tests if t.alternative]
        needs[rid] = None if not stated or None in stated else max(
            n for n in stated if n is not None)
    return needs
