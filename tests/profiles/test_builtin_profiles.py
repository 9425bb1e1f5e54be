"""The shipped profiles: every number written out, and sizes that reach the stated power."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pytest
import yaml

from harness.fairness.config import FairnessConfig
from harness.fairness.planning import required_draws
from harness.fairness.simulate import synthetic_population
from harness.profiles import load_profile


@pytest.mark.parametrize("name", ["quick", "full"])
def test_every_statistics_setting_is_written_out_not_defaulted(name: str) -> None:
    text = resources.files("harness.profiles").joinpath(f"{name}.yaml").read_text()
    written = yaml.safe_load(text)["fairness"]["statistics"]
    assert set(written) == {f.name for f in dataclasses.fields(FairnessConfig)}


@pytest.mark.parametrize("name", ["quick", "full"])
def test_each_population_has_the_draws_its_stated_power_needs(name: str) -> None:
    settings = load_profile(name).section("fairness")
    share = dataclasses.replace(settings.statistics,
                                alpha=settings.statistics.alpha / len(settings.populations))
    for spec in settings.populations:
        population = synthetic_population(spec.applicants, np.random.default_rng(1),
                                          settings.region_weights)
        needs = required_draws(population, spec.primary_slots, spec.reserve_slots, share, 1)
        assert all(n is not None and n <= spec.draws for n in needs.values()), (spec, needs)


def test_both_profiles_state_a_false_alarm_rate_covering_their_statistics() -> None:
    for name in ("quick", "full"):
        profile = load_profile(name)
        assert profile.false_alarm_rate >= profile.section("fairness").false_alarm_bound()
