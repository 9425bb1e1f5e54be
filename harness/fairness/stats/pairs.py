"""Dependence tests (F-05): co-selection of applicant pairs, dispersion of per-draw group
counts, and the overlap of draws whose seeds differ in one bit.

Selecting k of N fixes one dependence between applicants (the slot count); these tests look
for any other, within a draw (pairs, groups) or between draws (related seeds).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import stats

from harness.fairness.stats.chisq import Outcome

__all__ = ["block_pearson_moments", "coselection", "dispersion", "neighbour_partners",
           "overlap_max", "overlap_sum", "overlaps", "pair_moments"]

# Stirling numbers of the second kind: n^a = sum_i S(a, i) n^(i) (falling factorials)
_STIRLING = {0: {0: 1}, 1: {1: 1}, 2: {1: 1, 2: 1}, 3: {1: 1, 2: 3, 3: 1},
             4: {1: 1, 2: 7, 3: 6, 4: 1}}


def _two_sided_normal(z: float) -> float:
    return float(min(1.0, 2 * stats.norm.sf(abs(z))))


def pair_moments(n: int, k: int, pairs: int) -> tuple[float, float]:
    """Mean and variance, per draw, of how many of ``pairs`` disjoint applicant pairs have both
    members selected in a uniform k-subset: with q2 = P(two given applicants both selected) and
    q4 the same for four, P q2 and P q2 (1 - q2) + P (P - 1)(q4 - q2^2)."""
    q2 = k * (k - 1) / (n * (n - 1)) if n > 1 else 0.0
    q4 = (k * (k - 1) * (k - 2) * (k - 3) / (n * (n - 1) * (n - 2) * (n - 3))
          if n > 3 and k > 3 else 0.0)
    return pairs * q2, pairs * q2 * (1 - q2) + pairs * (pairs - 1) * (q4 - q2 * q2)


def _rows_chunk(n: int) -> int:
    return max(1, 8_000_000 // max(n, 1))  # a (rows x N) boolean scratch of ~8 MB


def coselection(selected: np.ndarray, partner: np.ndarray, n: int) -> Outcome:
    """Disjoint pairs of applicants (neighbours in some order) selected together, summed over
    draws, against the exact hypergeometric mean and variance; two-sided z-test.

    Null: uniform k-subsets, independent draws. ``partner`` gives each applicant the other member
    of its pair (-1 for a lone applicant). Effect: observed / expected - 1.
    """
    m, k = selected.shape
    mean, var = pair_moments(n, k, n // 2)
    if m == 0 or var <= 0:
        return Outcome(0.0, None, 1.0, None, {"degenerate": "no variation to test"})
    hits = 0
    for start in range(0, m, _rows_chunk(n)):
        rows = selected[start:start + _rows_chunk(n)]
        member = np.zeros((len(rows), n + 1), dtype=bool)  # column n: "no partner", never set
        member[np.arange(len(rows))[:, None], rows] = True
        hits += int(np.count_nonzero(member[np.arange(len(rows))[:, None],
                                            np.where(partner[rows] < 0, n, partner[rows])]))
    together = hits // 2  # each pair is seen from both members
    z = (together - m * mean) / np.sqrt(m * var)
    return Outcome(float(z), None, _two_sided_normal(z), together / (m * mean) - 1.0,
                   {"together": together, "expected": m * mean})


def neighbour_partners(ranks: np.ndarray) -> np.ndarray:
    """The partner of each applicant when applicants of rank 2i and 2i+1 form a pair (-1 for
    the last one when N is odd); ``ranks`` is a permutation of 0..N-1."""
    n = len(ranks)
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[ranks] = np.arange(n)
    other = np.asarray(ranks, dtype=np.int64) ^ 1
    return np.where(other < n, by_rank[np.minimum(other, n - 1)], -1)


def _falling(x: int, a: int) -> int:
    out = 1
    for i in range(a):
        out *= x - i
    return out


@lru_cache(maxsize=64)
def block_pearson_moments(sizes: tuple[int, ...], k: int) -> tuple[float, float]:
    """Exact mean and variance of X = sum_g (n_g - k N_g/N)^2 / (k N_g/N) when (n_g) is
    multivariate hypergeometric (k drawn from groups of sizes N_g).

    Raw moments come from the factorial moments E[n_g^(a) n_h^(b)] = k^(a+b) N_g^(a) N_h^(b) /
    N^(a+b) (Johnson, Kotz and Balakrishnan, Discrete Multivariate Distributions, ch. 39), in
    exact rational arithmetic so that no cancellation creeps in at large N.
    """
    n = sum(sizes)

    def ratio(a: int) -> Fraction:
        return Fraction(_falling(k, a), _falling(n, a))

    def raw(s: int, t: int, a: int, b: int) -> Fraction:  # E[n_g^a n_h^b], g != h
        return sum((ci * cj * ratio(i + j) * _falling(s, i) * _falling(t, j)
                    for i, ci in _STIRLING[a].items() for j, cj in _STIRLING[b].items()),
                   Fraction(0))

    def central(s: int) -> tuple[Fraction, Fraction]:  # E[Y^2], E[Y^4] of one group
        e = Fraction(k * s, n)
        m = [raw(s, 0, a, 0) for a in range(5)]
        return (m[2] - 2 * e * m[1] + e * e,
                m[4] - 4 * e * m[3] + 6 * e**2 * m[2] - 4 * e**3 * m[1] + e**4)

    def cross(s: int, t: int) -> Fraction:  # E[Y_g^2 Y_h^2]
        eg, eh = Fraction(k * s, n), Fraction(k * t, n)
        coef = ({0: eg * eg, 1: -2 * eg, 2: Fraction(1)}, {0: eh * eh, 1: -2 * eh, 2: Fraction(1)})
        return sum((coef[0][a] * coef[1][b] * raw(s, t, a, b) for a in range(3) for b in range(3)),
                   Fraction(0))

    groups = Counter(s for s in sizes if s > 0)
    moments = {s: central(s) for s in groups}
    weight = {s: Fraction(n, k * s) for s in groups}
    mean = sum((c * moments[s][0] * weight[s] for s, c in groups.items()), Fraction(0))
    var = sum((c * (moments[s][1] - moments[s][0] ** 2) * weight[s] ** 2
               for s, c in groups.items()), Fraction(0))
    for s, cs in groups.items():
        for t, ct in groups.items():
            pairs = cs * (cs - 1) if s == t else cs * ct
            if pairs:
                var += pairs * (cross(s, t) - moments[s][0] * moments[t][0]) * weight[s] * weight[t]
    return float(mean), float(var)


def dispersion(group_counts: np.ndarray, sizes: np.ndarray, k: int) -> Outcome:
    """Sum over draws of each draw's Pearson X^2 of its group counts (clumping or spreading of
    selections within a draw), two-sided.

    Null: each draw's group counts are multivariate hypergeometric; the per-draw X^2 then has
    exact mean (G - 1)(N - k)/(N - 1) and the exact variance of ``block_pearson_moments``. The
    sum over M independent draws is fitted by the gamma law with that mean and variance.
    Effect: observed / expected - 1.
    """
    m, groups = group_counts.shape
    n = int(sizes.sum())
    share = sizes / n
    if m == 0 or groups < 2 or k <= 1 or k >= n:
        return Outcome(0.0, None, 1.0, None, {"degenerate": "no variation to test"})
    per_draw = np.sum((group_counts - k * share) ** 2 / (k * share), axis=1)
    total = float(per_draw.sum())
    mean, var = block_pearson_moments(tuple(int(s) for s in sizes), k)
    shape, scale = m * mean**2 / var, var / mean
    upper = float(stats.gamma.sf(total, shape, scale=scale))
    lower = float(stats.gamma.cdf(total, shape, scale=scale))
    return Outcome(total, None, min(1.0, 2 * min(upper, lower)), total / (m * mean) - 1.0,
                   {"per_draw_mean": mean, "per_draw_var": var})


def overlaps(primary: np.ndarray, pairs: np.ndarray, n: int) -> np.ndarray:
    """|P_a & P_b| for each pair of draw rows (a, b), through a boolean membership table."""
    out = np.zeros(len(pairs), dtype=np.int64)
    step = _rows_chunk(n)
    for start in range(0, len(pairs), step):
        chunk = pairs[start:start + step]
        index = np.arange(len(chunk))[:, None]
        member = np.zeros((len(chunk), n), dtype=bool)
        member[index, primary[chunk[:, 0]]] = True
        out[start:start + step] = np.count_nonzero(member[index, primary[chunk[:, 1]]], axis=1)
    return out


def overlap_sum(observed: np.ndarray, n: int, k: int) -> Outcome:
    """Total overlap of related-seed draw pairs against P independent Hypergeometric(N, k, k);
    two-sided z-test.

    Null: the draws of a related pair are independent uniform k-subsets. Overlaps of distinct
    pairs are pairwise independent even when pairs share a draw (given one draw, the overlap
    with an independent uniform draw has the same law whatever that draw is), so the variance
    of the sum is exactly P times the hypergeometric variance. Effect: the excess share of
    winners shared, (mean overlap - k^2/N) / (k (1 - k/N)).
    """
    count = len(observed)
    mean, var = (float(v) for v in stats.hypergeom.stats(n, k, k, moments="mv"))
    if count == 0 or var <= 0:
        return Outcome(0.0, None, 1.0, None, {"degenerate": "no related pairs or no variation"})
    z = (float(observed.sum()) - count * mean) / np.sqrt(count * var)
    excess = (float(observed.mean()) - mean) / (k * (1 - k / n))
    return Outcome(float(z), None, _two_sided_normal(z), excess, {"pairs": count})


def overlap_max(observed: np.ndarray, n: int, k: int) -> Outcome:
    """The largest related-pair overlap against its Hypergeometric(N, k, k) tail, Bonferroni over
    the P pairs (catches a few related seeds that repeat a draw). Effect: its excess share."""
    count = len(observed)
    if count == 0 or k <= 0 or k >= n:
        return Outcome(0.0, None, 1.0, None, {"degenerate": "no related pairs or no variation"})
    largest = int(observed.max())
    tail = float(stats.hypergeom.sf(largest - 1, n, k, k))
    excess = (largest - k * k / n) / (k * (1 - k / n))
    return Outcome(float(largest), None, min(1.0, count * tail), excess, {"pairs": count})
