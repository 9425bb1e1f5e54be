"""Population, DrawSample and FairnessConfig: construction, validation, error messages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.population import Population
from harness.fairness.simulate import synthetic_population, uniform_draws


def _population(ids: list[str]) -> Population:
    n = len(ids)
    return Population.from_registrations(
        ids, np.arange(n, dtype=float) * 2.0 + 100.0, ["north"] * n, ["0000000019"] * n)


def test_from_registrations_sorts_by_bytes_and_records_registration_order() -> None:
    population = _population(["b", "B", "a", "_x", "-y"])
    assert population.ids == ("-y", "B", "_x", "a", "b")  # byte order: '-' < 'B' < '_' < 'a'
    assert population.order.tolist() == [4, 1, 3, 2, 0]
    assert population.registered_at.tolist() == [8.0, 2.0, 6.0, 4.0, 0.0]
    assert population.index_of(["a", "zz", "-y"]).tolist() == [3, -1, 0]


def test_population_refuses_unsorted_or_repeated_ids_and_bad_attributes() -> None:
    good = dict(order=[0, 1], registered_at=[0.0, 1.0], region=["r", "r"],
                national_id=["0000000019", "0000000027"])
    with pytest.raises(ValueError, match="canonical order"):
        Population(ids=("b", "a"), **good)
    with pytest.raises(ValueError, match="repeat"):
        Population(ids=("a", "a"), **good)
    with pytest.raises(ValueError, match="permutation"):
        Population(ids=("a", "b"), **{**good, "order": [0, 0]})
    with pytest.raises(ValueError, match="ten digits"):
        Population(ids=("a", "b"), **{**good, "national_id": ["12345", "0000000027"]})
    with pytest.raises(ValueError, match="shape"):
        Population(ids=("a", "b"), **{**good, "region": ["r"]})
    with pytest.raises(ValueError, match="ASCII"):
        _population(["caf\u00e9"])


def test_synthetic_population_has_valid_unique_national_ids() -> None:
    population = synthetic_population(3000, np.random.default_rng(1))
    digits = population.digits
    weighted = (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    assert np.array_equal(digits[:, 9], np.where(weighted < 2, weighted, 11 - weighted))
    assert not (digits == digits[:, :1]).all(axis=1).any()
    assert len(set(population.national_id.tolist())) == 3000
    assert population.registered_at.min() == 0.0
    assert np.all(np.diff(population.registered_at[np.argsort(population.order)]) >= 0)


def test_from_id_lists_maps_ids_to_canonical_positions() -> None:
    population = _population([f"id{i}" for i in range(6)])
    sample = DrawSample.from_id_lists(population, 2, 2, [(["id3", "id0"], ["id5", "id1"]),
                                                          (["id1", "id2"], ["id4", "id0"])],
                                      [(0, 1)])
    assert sample.primary.tolist() == [[3, 0], [1, 2]]
    assert sample.reserve.tolist() == [[5, 1], [4, 0]]
    assert sample.primary.dtype == np.int32 and sample.related_pairs.tolist() == [[0, 1]]
    assert sample.n_draws == 2 and sample.primary_size == 2 and sample.reserve_size == 2


@pytest.mark.parametrize(("draws", "pairs", "message"), [
    ([(["id1", "nobody"], ["id2"])], [], "draw 0 names unknown applicant id 'nobody'"),
    ([(["id1", "id2"], ["id3"]), (["id4", "id4"], ["id0"])], [], "draw 1 names applicant id "
                                                                  "'id4' twice"),
    ([(["id1", "id2"], ["id1"])], [], "draw 0 names applicant id 'id1' twice"),
    ([(["id1"], ["id2"])], [], "draw 0 has 1 primary and 1 reserve ids, expected 2 and 1"),
    ([(["id1", "id2"], ["id3"])], [(0, 1)], "related pairs must name draw rows 0..0"),
    ([(["id1", "id2"], ["id3"]), (["id1", "id2"], ["id3"])], [(1, 1)], "same draw twice"),
])
def test_from_id_lists_names_the_problem(draws: list, pairs: list, message: str) -> None:
    population = _population([f"id{i}" for i in range(5)])
    with pytest.raises(ValueError, match=message):
        DrawSample.from_id_lists(population, 2, 1, draws, pairs)


def test_lists_are_sized_by_min_k_n_when_slots_exceed_the_population() -> None:
    population = _population(["a", "b", "c"])
    sample = DrawSample.from_id_lists(population, 2, 5, [(["c", "a"], ["b"])], [])
    assert sample.primary_size == 2 and sample.reserve_size == 1
    with pytest.raises(ValueError, match="expected 2 and 1"):
        DrawSample.from_id_lists(population, 2, 5, [(["c", "a"], [])], [])


def test_index_arrays_are_validated() -> None:
    population = _population(["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="indices must lie in 0..3"):
        DrawSample(population, 2, 1, np.array([[0, 4]]), np.array([[1]]), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="primary must have shape"):
        DrawSample(population, 2, 1, np.array([[0, 1, 2]]), np.array([[3]]), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="reserve must have shape"):
        DrawSample(population, 2, 1, np.array([[0, 1]]), np.array([[3, 2]]), np.zeros((0, 2)))


@given(st.integers(1, 40), st.integers(0, 45), st.integers(0, 45), st.integers(1, 6),
       st.integers(0, 2**32))
def test_uniform_draws_are_distinct_prefixes_of_the_right_size(n: int, k: int, r: int, m: int,
                                                                 seed: int) -> None:
    primary, reserve = uniform_draws(n, k, r, m, np.random.default_rng(seed))
    assert primary.shape == (m, min(k, n))
    assert reserve.shape == (m, min(k + r, n) - min(k, n))
    both = np.concatenate([primary, reserve], axis=1)
    assert all(len(set(row)) == len(row) for row in both.tolist())
    assert both.size == 0 or (both.min() >= 0 and both.max() < n)


def test_config_refuses_unknown_keys_with_the_nearest_name_and_bad_values() -> None:
    assert FairnessConfig.from_mapping({"alpha": 0.05}).alpha == 0.05
    with pytest.raises(ValueError, match="did you mean 'region_bias'"):
        FairnessConfig.from_mapping({"region_bais": 0.1})
    for bad in ({"alpha": 0}, {"alpha": 1.5}, {"power": "high"}, {"position_bins": 1},
                {"alpha": True}, {"sequence_bits": 20000}, {"region_bias": 0},
                {"battery_excursions_need_uniformity": 1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            FairnessConfig.from_mapping(bad)


def test_ids_given_as_a_byte_array_are_named_as_text() -> None:
    population = Population(ids=np.array([b"a", b"b", b"c"]), order=[2, 0, 1],
                            registered_at=[0.0, 1.0, 2.0], region=["r"] * 3,
                            national_id=["0000000019"] * 3)
    with pytest.raises(ValueError, match="draw 0 names applicant id 'b' twice"):
        DrawSample(population, 2, 0, np.array([[1, 1]]), np.zeros((1, 0)), np.zeros((0, 2)))
    assert population.index_of(["c", "a"]).tolist() == [2, 0]
