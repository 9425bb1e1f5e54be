"""Shared fixtures: small synthetic populations and a helper that analyses simulated draws."""

from __future__ import annotations

import numpy as np
import pytest

from harness.fairness.population import Population
from harness.fairness.simulate import synthetic_population


@pytest.fixture(scope="session")
def small_population() -> Population:
    return synthetic_population(600, np.random.default_rng(20260101))


@pytest.fixture(scope="session")
def medium_population() -> Population:
    return synthetic_population(10_000, np.random.default_rng(20260102))
