"""harness.seeds: the run seed, the run id, sub-seeds and the names of the run's rounds."""

from __future__ import annotations

import re

import pytest

from harness.errors import UsageError
from harness.seeds import ROUND_ID, RunSeed

SEED = "ab" * 32


def test_the_same_seed_gives_the_same_sub_seeds_and_round_names() -> None:
    first, second = RunSeed.parse(SEED), RunSeed.parse(SEED.upper())
    assert first.derive("fairness", "lab-seed", 7) == second.derive("fairness", "lab-seed", 7)
    assert first.round_id("population") == second.round_id("population")
    assert (first.rng("x").integers(0, 2**62, 5) == second.rng("x").integers(0, 2**62, 5)).all()


def test_labels_are_length_prefixed_so_different_splits_never_collide() -> None:
    seed = RunSeed.parse(SEED)
    assert seed.derive("ab", "c") != seed.derive("a", "bc")
    assert seed.derive("fairness", 1) != seed.derive("fairness", 2)


def test_different_seeds_give_different_runs() -> None:
    assert RunSeed.parse(SEED).run_part != RunSeed.parse("cd" * 32).run_part
    assert RunSeed.fresh().master != RunSeed.fresh().master


def test_run_id_is_utc_date_and_eight_hex_digits() -> None:
    assert re.fullmatch(r"\d{8}-[0-9a-f]{8}", RunSeed.parse(SEED).run_id)


def test_rounds_are_named_lab_run_part_purpose_within_the_contract_pattern() -> None:
    seed = RunSeed.parse(SEED)
    name = seed.round_id("replay0")
    assert name == f"lab-{seed.run_part}-replay0" and ROUND_ID.fullmatch(name)
    with pytest.raises(ValueError):
        seed.round_id("x" * 60)


@pytest.mark.parametrize("text", ["", "ab" * 31, "zz" * 32, "ab" * 33, "0x" + "ab" * 31])
def test_a_seed_that_is_not_64_hex_digits_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="64 hex digits"):
        RunSeed.parse(text)
