"""Vectorised counting, bin merging, Holm's adjustment and the exact moments the tests use."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fairness.stats.counting import (
    equal_size_bins,
    equal_width_bins,
    merge_small,
    per_draw_group_counts,
    selection_counts,
)
from harness.fairness.stats.holm import holm_adjust
from harness.fairness.stats.pairs import (
    block_pearson_moments,
    coselection,
    neighbour_partners,
    overlaps,
    pair_moments,
)


def test_counts_and_per_draw_group_counts_agree_with_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    draws = np.array([rng.permutation(50)[:7] for _ in range(30)])
    labels = rng.integers(0, 4, 50)
    per_draw = per_draw_group_counts(draws, labels, 4)
    for t, row in enumerate(draws):
        assert per_draw[t].tolist() == [int(np.sum(labels[row] == g)) for g in range(4)]
    assert selection_counts(draws, 50).tolist() == [int(np.sum(draws == i)) for i in range(50)]


def test_bins() -> None:
    assert np.bincount(equal_size_bins(np.arange(103), 10)).tolist() == [11, 10, 10, 11, 10,
                                                                          10, 11, 10, 10, 10]
    assert equal_width_bins(np.array([0.0, 1.0, 2.0, 9.99, 10.0]), 5).tolist() == [0, 0, 1, 4, 4]
    assert equal_width_bins(np.array([3.0, 3.0]), 5).tolist() == [0, 0]


@given(st.lists(st.floats(0, 50), min_size=1, max_size=30), st.floats(0.5, 20),
       st.booleans())
def test_merge_small_keeps_every_group_at_the_minimum_when_possible(
        expected: list[float], minimum: float, ordered: bool) -> None:
    values = np.array(expected)
    labels = merge_small(values, minimum, ordered)
    merged = np.bincount(labels, weights=values)
    assert len(labels) == len(values) and labels.min() == 0
    assert sorted(set(labels.tolist())) == list(range(len(merged)))
    if values.sum() >= minimum:
        assert merged.min() >= minimum - 1e-9
    if ordered:
        assert np.all(np.diff(labels) >= 0)  # only neighbours merge


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_holm_adjusted_p_values_bound_the_raw_ones_and_keep_their_order(p: list[float]) -> None:
    raw = np.array(p)
    adjusted = holm_adjust(raw)
    assert np.all(adjusted >= raw - 1e-15) and np.all(adjusted <= 1.0)
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-15)
    bonferroni = np.minimum(1.0, len(raw) * raw)
    assert np.all(adjusted <= bonferroni + 1e-15)  # never worse than Bonferroni


def test_holm_known_answer() -> None:
    # Holm (1979) on (0.01, 0.04, 0.03, 0.005): sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1
    assert holm_adjust(np.array([0.01, 0.04, 0.03, 0.005])) == pytest.approx(
        [0.03, 0.06, 0.06, 0.02])


def test_neighbour_pairs_overlaps_and_coselection_match_brute_force() -> None:
    rng = np.random.default_rng(9)
    n, ranks = 41, rng.permutation(41)
    partner = neighbour_partners(ranks)
    for i in range(n):
        other = ranks[i] ^ 1
        assert partner[i] == (-1 if other >= n else int(np.flatnonzero(ranks == other)[0]))
    draws = np.array([rng.permutation(n)[:12] for _ in range(20)])
    together = sum(1 for row in draws for a in row for b in row
                   if a < b and partner[a] == b)
    assert coselection(draws, partner, n).extra["together"] == together
    pairs = np.array([[0, 1], [2, 5], [7, 3]])
    assert overlaps(draws, pairs, n).tolist() == [
        len(set(draws[a]) & set(draws[b])) for a, b in pairs]


def test_pair_and_block_moments_match_simulation() -> None:
    rng = np.random.default_rng(4)
    n, k, sizes = 60, 15, np.array([10, 20, 30])
    mean, var = pair_moments(n, k, n // 2)
    draws = np.argsort(rng.random((200_000, n)), axis=1)[:, :k]
    together = np.count_nonzero(np.sort(draws // 2, axis=1)[:, 1:] == np.sort(
        draws // 2, axis=1)[:, :-1], axis=1)
    assert together.mean() == pytest.approx(mean, rel=0.01)
    assert together.var() == pytest.approx(var, rel=0.02)
    block_mean, block_var = block_pearson_moments(tuple(sizes.tolist()), k)
    counts = rng.multivariate_hypergeometric(sizes, k, size=200_000)
    x = np.sum((counts - k * sizes / n) ** 2 / (k * sizes / n), axis=1)
    assert block_mean == pytest.approx(2 * (n - k) / (n - 1))
    assert x.mean() == pytest.approx(block_mean, rel=0.01)
    assert x.var() == pytest.approx(block_var, rel=0.02)
