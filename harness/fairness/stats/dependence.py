"""F-05: no dependence between applicants' selections beyond the fixed slot count, nor
between draws whose seeds differ in one bit."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import stats

from harness.fairness.stats.context import Built, Context
from harness.fairness.stats.counting import equal_size_bins, per_draw_group_counts
from harness.fairness.stats.pairs import (
    coselection,
    dispersion,
    neighbour_partners,
    overlap_max,
    overlap_sum,
    overlaps,
    pair_moments,
)
from harness.fairness.stats.power import z_power, z_shift_needed
from harness.fairness.stats.result import Pending, PowerInfo

__all__ = ["dependence"]

_UNIFORM = "each draw's primary list is a uniform random k-subset, independently across draws"


def _relative_mde(target: float, mean: float, var: float) -> Callable[[float], PowerInfo]:
    """MDE of a z-test on a total with null ``mean`` and ``var``, as a relative excess."""
    def at(level: float) -> PowerInfo:
        return PowerInfo(mde=z_shift_needed(level, target) * math.sqrt(var) / mean)
    return at


def _coselection_tests(ctx: Context, built: Built) -> None:
    n, k, m, cfg = ctx.n, ctx.k, ctx.m, ctx.config
    order = ctx.sample.population.order
    for name, ranks in (("canonical", np.arange(n)), ("registration", order)):
        out = coselection(ctx.sample.primary, neighbour_partners(ranks), n)
        if "degenerate" in out.extra:
            built.notes.append(f"co-selection of {name} neighbours not run: no variation")
            continue
        mean, var = pair_moments(n, k, n // 2)
        test = ctx.test("F-05", f"coselection_{name}_neighbours", _UNIFORM + "; two given "
                        "applicants are both selected with probability k(k-1)/(N(N-1))", out,
                        f"relative excess of co-selections of {name}-order neighbours",
                        "exact hypergeometric moments of disjoint pairs, two-sided z")
        built.pending.append(Pending(test, _relative_mde(cfg.power, m * mean, m * var)))


def _dispersion_tests(ctx: Context, built: Built) -> None:
    n, k, m, cfg = ctx.n, ctx.k, ctx.m, ctx.config
    order = ctx.sample.population.order
    for name, ranks in (("canonical", np.arange(n)), ("registration", order)):
        labels = equal_size_bins(ranks, cfg.dispersion_groups)
        groups = int(labels.max()) + 1
        counts = per_draw_group_counts(ctx.sample.primary, labels, groups)
        out = dispersion(counts, np.bincount(labels, minlength=groups), k)
        if "degenerate" in out.extra:
            built.notes.append(f"dispersion of {name} blocks not run: no variation")
            continue
        mean, var = out.extra["per_draw_mean"], out.extra["per_draw_var"]
        test = ctx.test("F-05", f"dispersion_{name}_blocks", _UNIFORM + "; each draw's counts "
                        "in blocks of applicants are multivariate hypergeometric", out,
                        "relative excess of the per-draw X^2 over blocks (variance ratio - 1)",
                        "gamma fit to the exact multivariate hypergeometric mean and variance")
        built.pending.append(Pending(test, _relative_mde(cfg.power, m * mean, m * var)))


def _overlap_tests(ctx: Context, built: Built) -> None:
    n, k, cfg = ctx.n, ctx.k, ctx.config
    pairs = np.unique(np.sort(ctx.sample.related_pairs, axis=1), axis=0)
    observed = overlaps(ctx.sample.primary, pairs, n)
    built.plots["related_overlap_histogram"] = _overlap_histogram(observed, n, k)
    excess = cfg.related_overlap_excess
    alternative = f"related-seed draws share {excess:.0%} of winners beyond chance"
    var = float(stats.hypergeom.var(n, k, k))
    spread = k * (1 - k / n)

    def at(level: float) -> PowerInfo:
        need = z_shift_needed(level, cfg.power)
        count = len(pairs)
        shift = excess * spread * math.sqrt(count / var) if var > 0 else 0.0
        pairs_needed = math.ceil(var * (need / (excess * spread)) ** 2) if spread > 0 else None
        mde = need * math.sqrt(var / count) / spread if count and spread > 0 else None
        return PowerInfo(z_power(shift, level) if count else 0.0, mde,
                         2 * pairs_needed if pairs_needed is not None else None)

    if len(pairs) == 0:
        built.notes.append("related-seed overlap not tested: the sample has no related pairs")
        built.unmet.append(alternative + " (no related-seed pairs in the sample)")
        return
    null = _UNIFORM + "; the overlap of two related-seed draws is Hypergeometric(N, k, k)"
    out = overlap_sum(observed, n, k)
    if "degenerate" not in out.extra:
        built.pending.append(Pending(ctx.test(
            "F-05", "related_seed_overlap_total", null, out,
            "excess share of winners shared by related-seed draws",
            "sum of pairwise-independent hypergeometric overlaps, two-sided z",
            alternative=alternative), at))
    top = overlap_max(observed, n, k)
    if "degenerate" not in top.extra:
        built.pending.append(Pending(ctx.test(
            "F-05", "related_seed_overlap_max", null, top,
            "excess share of winners shared by the most similar related pair",
            "hypergeometric upper tail, Bonferroni over the pairs")))


def _overlap_histogram(observed: np.ndarray, n: int, k: int) -> dict:
    if len(observed) == 0:
        return {"overlap": [], "observed": [], "expected": []}
    low = int(min(observed.min(), stats.hypergeom.ppf(1e-6, n, k, k)))
    high = int(max(observed.max(), stats.hypergeom.isf(1e-6, n, k, k)))
    values = np.arange(low, high + 1)
    return {"overlap": values.tolist(),
            "observed": np.bincount(observed - low, minlength=len(values)).tolist(),
            "expected": (len(observed) * stats.hypergeom.pmf(values, n, k, k)).tolist()}


def dependence(ctx: Context) -> Built:
    """F-05: co-selection of neighbours, dispersion of block counts, related-seed overlaps."""
    built = Built("F-05")
    _coselection_tests(ctx, built)
    _dispersion_tests(ctx, built)
    _overlap_tests(ctx, built)
    return built
