"""Selection-count tests for draws of k of N without replacement (F-01 to F-04).

Within one draw the selections are a uniform k-subset, so counts are negatively correlated
(multivariate hypergeometric); over M independent draws they add up. Each test below corrects
for that instead of treating selections as independent, and states its null distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from harness.fairness.stats.counting import merge_small

__all__ = ["Outcome", "count_uniformity", "extreme_counts", "group_rate", "independence",
           "rank_correlation"]


@dataclass(frozen=True)
class Outcome:
    """What one test computed, before multiple testing and power."""

    statistic: float
    df: float | None
    p_value: float
    effect_size: float | None
    extra: dict[str, Any] = field(default_factory=dict)


def _no_evidence(reason: str) -> Outcome:
    return Outcome(0.0, None, 1.0, None, {"degenerate": reason})


def count_uniformity(counts: np.ndarray, m: int, k: int) -> Outcome:
    """Pearson's X^2 of per-applicant counts against M k / N, fitted by three exact moments.

    Null: each draw is a uniform k-subset of the N applicants, draws independent. Since
    sum(c_i^2) = M k + 2 U with U the sum over draw pairs of their overlaps |P_t & P_u|, which
    are pairwise independent Hypergeometric(N, k, k), X^2 has exactly mean N - k, variance
    2 (N - k)^2 (M - 1) / ((N - 1) M), and a third moment from the overlaps and the triangles of
    draws (docs/fairness.md). X^2 is then fitted by shift + a chi^2(nu) with the same three
    moments (Pearson type III), with a continuity correction of half a lattice step; for large M
    that is the (N - k)/(N - 1) chi^2(N - 1) law of sampling without replacement. With M = 1
    the statistic is constant: no evidence.
    Effect: Cohen's w over applicants, sqrt(max(X^2 - (N - k), 0) / (M k)).
    """
    n = len(counts)
    if m < 2 or k <= 0 or k >= n:
        return _no_evidence("needs at least 2 draws and 0 < k < N")
    mean_count = m * k / n
    x2 = float(np.sum((counts - mean_count) ** 2) / mean_count)
    mean, var, third = _x2_moments(n, k, m)
    nu = 8.0 * var**3 / third**2 if third > 0 else float("inf")
    effect = float(np.sqrt(max(x2 - mean, 0.0) / (m * k)))
    # sum(c_i^2) has the parity of M k, so X^2 moves in steps of 2 / (M k / N): continuity
    # correction by half a step.
    corrected = x2 - 1.0 / mean_count
    if not np.isfinite(nu) or nu > 1e7:  # no skew left: the normal limit
        z = (corrected - mean) / np.sqrt(var)
        return Outcome(float(z), None, float(stats.norm.sf(z)), effect, {"raw_x2": x2})
    scale = float(np.sqrt(var / (2 * nu)))
    statistic = max((corrected - (mean - scale * nu)) / scale, 0.0)
    return Outcome(statistic, nu, float(stats.chi2.sf(statistic, nu)), effect,
                   {"raw_x2": x2, "scale": scale, "shift": mean - scale * nu})


def _x2_moments(n: int, k: int, m: int) -> tuple[float, float, float]:
    """Exact mean, variance and third central moment of the count X^2 under the null."""
    p = k / n
    overlap_var, overlap_skew = (float(v) for v in stats.hypergeom.stats(n, k, k, moments="vs"))
    overlap_third = overlap_skew * overlap_var**1.5
    triangle = (n - 1) * (p * (1 - p) * n / (n - 1)) ** 3  # E of the three centred overlaps
    pairs, triples = m * (m - 1) / 2, m * (m - 1) * (m - 2) / 6
    unit = 2.0 / (m * p)  # X^2 = (M k + 2 U - (M k)^2 / N) / (M p)
    var_u = pairs * overlap_var
    third_u = pairs * overlap_third + 6 * triples * triangle
    return n - k, unit**2 * var_u, unit**3 * third_u


def extreme_counts(counts: np.ndarray, m: int, k: int) -> Outcome:
    """The least and the most selected applicant against Binomial(M, k/N), Bonferroni over the
    2N one-sided tails. Each applicant's count is exactly Binomial(M, k/N) under the null, so
    the p-value is valid whatever the dependence between applicants (it is conservative).
    Effect: the relative change of the more extreme applicant's rate, count / (M k/N) - 1."""
    n = len(counts)
    if m < 1 or k <= 0 or k >= n:
        return _no_evidence("needs a draw and 0 < k < N")
    p = k / n
    low, high = int(counts.min()), int(counts.max())
    p_low = float(stats.binom.cdf(low, m, p))
    p_high = float(stats.binom.sf(high - 1, m, p))
    extreme = low if p_low <= p_high else high
    return Outcome(float(extreme), None, min(1.0, 2 * n * min(p_low, p_high)),
                   extreme / (m * p) - 1.0, {"min_count": low, "max_count": high})


def group_rate(totals: np.ndarray, sizes: np.ndarray, m: int, k: int, minimum: float,
               ordered: bool = True) -> Outcome | None:
    """Selections per applicant group against M k (group size / N): Pearson's X^2 divided by
    c = (N - k)/(N - 1), ~ chi^2(G - 1).

    Null: uniform k-subsets, independent draws; the summed group counts are then a sum of M
    multivariate hypergeometric vectors with covariance M k c (diag(pi) - pi pi'). Groups whose
    expected count is below ``minimum`` are merged first (Cochran). None when fewer than two
    groups remain. Effect: Cohen's w, sqrt(max(X^2 - c df, 0) / (M k)).
    """
    n = int(np.sum(sizes))
    expected = m * k * np.asarray(sizes, dtype=np.float64) / max(n, 1)
    labels = merge_small(expected, minimum, ordered)
    groups = int(labels.max()) + 1 if len(labels) else 0
    if groups < 2 or k <= 0 or m < 1:
        return None
    observed = np.bincount(labels, weights=totals, minlength=groups)
    merged = np.bincount(labels, weights=expected, minlength=groups)
    merged_sizes = np.bincount(labels, weights=sizes, minlength=groups)
    extra = {"labels": labels, "observed": observed, "expected": merged,
             "sizes": merged_sizes}
    if k >= n:
        return Outcome(0.0, groups - 1, 1.0, 0.0, {**extra, "degenerate": "k = N", "c": 0.0})
    c = (n - k) / (n - 1)
    x2 = float(np.sum((observed - merged) ** 2 / merged))
    effect = float(np.sqrt(max(x2 - c * (groups - 1), 0.0) / (m * k)))
    return Outcome(x2 / c, groups - 1, float(stats.chi2.sf(x2 / c, groups - 1)), effect,
                   {**extra, "c": c})


def independence(cells: np.ndarray, row_per_draw: np.ndarray, r: int) -> Outcome | None:
    """Applicant group x reserve-rank bucket table, conditional on each draw's reserve set.

    Null: given the set of reserves, their order is a uniform permutation. Then each draw's
    table is hypergeometric with its own row margins n_gt and the bucket sizes r_b; the pooled
    X^2 against E_gb = R_g r_b / r has the exact conditional mean
    (B - 1) sum_g sum_t n_gt (r - n_gt) / (R_g (r - 1)), and X^2 * df / mean ~ chi^2(df),
    df = (G - 1)(B - 1). Effect: Cohen's w of the table.
    """
    rows = cells.sum(axis=1)
    keep = rows > 0
    cells, row_per_draw, rows = cells[keep], row_per_draw[:, keep], rows[keep]
    groups, buckets = cells.shape
    if groups < 2 or buckets < 2 or r < 2:
        return None
    bucket_sizes = cells.sum(axis=0) / len(row_per_draw)
    expected = np.outer(rows, bucket_sizes) / r
    x2 = float(np.sum((cells - expected) ** 2 / expected))
    spread = np.sum(row_per_draw * (r - row_per_draw), axis=0) / (rows * (r - 1))
    mean = (buckets - 1) * float(np.sum(spread))
    df = (groups - 1) * (buckets - 1)
    if mean <= 0:
        return None
    statistic = x2 * df / mean
    effect = float(np.sqrt(max(x2 - mean, 0.0) / max(float(rows.sum()), 1.0)))
    return Outcome(statistic, df, float(stats.chi2.sf(statistic, df)), effect,
                   {"observed": cells, "expected": expected})


def rank_correlation(ranks: np.ndarray, counts: np.ndarray) -> Outcome:
    """Spearman's rho between a ranking of applicants (registration order) and their counts.

    Null: counts are exchangeable over applicants, so given their values every assignment to
    ranks is equally likely; rho then has mean 0 and variance exactly 1 / (N - 1), and
    z = rho sqrt(N - 1) is compared with N(0, 1), two-sided (Kendall and Gibbons, ch. 5).
    Ties in the counts take mid-ranks. Effect: rho.
    """
    n = len(counts)
    if n < 3 or np.all(counts == counts[0]):
        return _no_evidence("every applicant has the same count")
    rho = float(np.corrcoef(stats.rankdata(ranks), stats.rankdata(counts))[0, 1])
    z = rho * np.sqrt(n - 1)
    return Outcome(float(z), None, float(2 * stats.norm.sf(abs(z))), rho, {"rho": rho})
