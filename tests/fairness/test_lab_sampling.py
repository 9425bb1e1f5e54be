"""Practice-draw seeds from the run seed, related pairs one bit apart, answers to positions."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import requests
from _transports import stub_target

from harness.errors import TargetError
from harness.fairness.lab_sampling import (
    DrawShapeError,
    FetchTiming,
    answer_fits,
    fetch_lab_indices,
    lab_seeds,
)
from harness.seeds import RunSeed

SEED = RunSeed(bytes(range(32)))
IDS = [f"id{i:03d}" for i in range(50)]
POSITIONS = {aid: i for i, aid in enumerate(IDS)}


def test_seeds_are_reproducible_and_related_pairs_differ_in_exactly_one_bit() -> None:
    plan = lab_seeds(SEED, 0, 100, 20)
    assert plan.seeds == lab_seeds(SEED, 0, 100, 20).seeds
    assert plan.seeds != lab_seeds(SEED, 1, 100, 20).seeds
    assert len(set(plan.seeds)) == 100 and plan.related_pairs.shape == (20, 2)
    for (a, b), bit in zip(plan.related_pairs.tolist(), plan.flipped_bits, strict=True):
        x = int.from_bytes(plan.seeds[a], "big") ^ int.from_bytes(plan.seeds[b], "big")
        assert x == 1 << (255 - bit)
    assert plan.recipe()["independent"] == 80


def answering(draws_per_seed: dict[str, tuple[list[str], list[str]]], calls: list[int],
              shuffle: bool = False) -> object:
    def handler(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        seeds = json.loads(request.body or b"{}")["seeds"]
        calls.append(len(seeds))
        items = [{"seed": s.upper(), "primary": draws_per_seed[s][0],
                  "reserve": draws_per_seed[s][1]} for s in seeds]
        if shuffle:
            random.Random(1).shuffle(items)
        return 200, {"Content-Type": "application/json"}, json.dumps({"draws": items}).encode()

    return handler


def test_answers_become_rows_of_positions_matched_by_seed_in_batches() -> None:
    plan = lab_seeds(SEED, 0, 25, 0)
    rng = np.random.default_rng(2)
    picks = {s.hex(): [IDS[i] for i in rng.permutation(50)[:5]] for s in plan.seeds}
    draws = {seed: (chosen[:3], chosen[3:]) for seed, chosen in picks.items()}
    calls: list[int] = []
    client = stub_target(answering(draws, calls, shuffle=True), "op")  # type: ignore[arg-type]
    rows = fetch_lab_indices(client, "R", plan.seeds, 10, POSITIONS, (3, 2), FetchTiming())
    assert calls == [10, 10, 5] and rows.shape == (25, 5)
    assert [IDS[i] for i in rows[7]] == picks[plan.seeds[7].hex()]


def test_a_batch_is_cut_so_its_answer_fits_the_body_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large draws of long ids would overflow the adapter's limit at 1,000 seeds per call (as
    the full profile's K + R = 2,400 did against a system with 29-character ids)."""
    assert answer_fits((2000, 400), 64 * 1024 * 1024) * (2400 * 67) < 64 * 1024 * 1024
    plan = lab_seeds(SEED, 0, 25, 0)
    draws = {s.hex(): (IDS[:3], IDS[3:5]) for s in plan.seeds}
    calls: list[int] = []
    client = stub_target(answering(draws, calls), "op")  # type: ignore[arg-type]
    monkeypatch.setattr(client, "MAX_BODY_BYTES", 2 * 10 * (5 * 70 + 200))  # room for 10 draws
    rows = fetch_lab_indices(client, "R", plan.seeds, 1000, POSITIONS, (3, 2), FetchTiming())
    assert calls == [10, 10, 5] and rows.shape == (25, 5)


def test_a_draw_of_the_wrong_size_or_with_an_unknown_id_is_named() -> None:
    plan = lab_seeds(SEED, 0, 3, 0)
    good = {s.hex(): (IDS[:3], IDS[3:5]) for s in plan.seeds}
    short = {**good, plan.seeds[2].hex(): (IDS[:2], IDS[3:5])}
    with pytest.raises(DrawShapeError, match="draw 2 has 2 primary"):
        fetch_lab_indices(stub_target(answering(short, []), "op"), "R",  # type: ignore[arg-type]
                          plan.seeds, 10, POSITIONS, (3, 2), FetchTiming())
    stranger = {**good, plan.seeds[1].hex(): (["ghost", *IDS[:2]], IDS[3:5])}
    with pytest.raises(DrawShapeError, match="draw 1 names unknown applicant id 'ghost'"):
        fetch_lab_indices(stub_target(answering(stranger, []), "op"), "R",  # type: ignore[arg-type]
                          plan.seeds, 10, POSITIONS, (3, 2), FetchTiming())


def test_an_answer_missing_a_seed_is_a_target_error() -> None:
    plan = lab_seeds(SEED, 0, 2, 0)

    def handler(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = {"draws": [{"seed": "00" * 32, "primary": IDS[:3], "reserve": IDS[3:5]}] * 2}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    with pytest.raises(TargetError, match="no draw for seed"):
        fetch_lab_indices(stub_target(handler, "op"), "R", plan.seeds, 10, POSITIONS, (3, 2),
                          FetchTiming())
