"""F-03: selection is independent of registration order and time.

The 2012 diversity-visa draw picked over 90 % of its winners from the first 2 of 30 registration
days; these tests compare selection rates across registration-order bins and registration-time
buckets, and correlate registration order with selection counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from harness.fairness.stats.chisq import Outcome, group_rate, rank_correlation
from harness.fairness.stats.context import Built, Context
from harness.fairness.stats.counting import equal_size_bins, equal_width_bins
from harness.fairness.stats.plotdata import rate_band
from harness.fairness.stats.power import chi2_lambda_needed, chi2_power, z_shift_needed
from harness.fairness.stats.result import Pending, PowerInfo
from harness.fairness.stats.selection import W_LABEL, w_mde

__all__ = ["registration_order"]

_NULL = "each draw's primary list is a uniform random k-subset, independently across draws; " \
        "the selection rate is the same in every {what}"


def _early_share_power(ctx: Context, out: Outcome, labels: np.ndarray, early: np.ndarray,
                       stated: float, feasible: float) -> Callable[[float], PowerInfo]:
    """Power against a share ``stated`` of selections from the ``early`` applicants (the rest
    spread evenly), and the smallest such share the test detects."""
    n, k, m, target = ctx.n, ctx.k, ctx.m, ctx.config.power
    early_count = int(early.sum())
    null_share = early_count / n
    merged = out.extra["labels"][labels]
    groups = int(merged.max()) + 1
    delta = (np.bincount(merged, weights=early, minlength=groups) / early_count
             - np.bincount(merged, weights=~early, minlength=groups) / max(n - early_count, 1))
    c, df = out.extra["c"], float(out.df or 0)
    unit = k * float(np.sum(delta**2 / (out.extra["sizes"] / n))) / c  # per (s - s0)^2, draw

    def at(level: float) -> PowerInfo:
        need = chi2_lambda_needed(df, level, target)
        lam_per_draw = unit * (stated - null_share) ** 2
        mde = null_share + math.sqrt(need / (m * unit)) if unit > 0 else None
        return PowerInfo(chi2_power(m * lam_per_draw, df, level),
                         mde if mde is not None and mde <= feasible else None,
                         math.ceil(need / lam_per_draw) if lam_per_draw > 0 else None)
    return at


def _order_bins_test(ctx: Context, built: Built) -> None:
    cfg, n, k, m = ctx.config, ctx.n, ctx.k, ctx.m
    order, counts = ctx.sample.population.order, ctx.primary_counts
    labels = equal_size_bins(order, cfg.order_bins)
    bins = int(labels.max()) + 1
    totals = np.bincount(labels, weights=counts, minlength=bins)
    sizes = np.bincount(labels, minlength=bins)
    built.plots["rate_by_registration_order"] = rate_band(totals, sizes, m, k, n, 1 - cfg.alpha)
    out = group_rate(totals, sizes, m, k, cfg.min_expected)
    if out is None or "degenerate" in out.extra:
        built.notes.append("registration-order test not run: too few selections")
        built.unmet.append("DV-2012-like order bias (order test not run)")
        return
    early_count = max(1, round(cfg.order_bias_window * n))
    early = order < early_count
    feasible = min(1.0, early_count / k)
    stated = min(cfg.order_bias_first_share, feasible)
    test = ctx.test("F-03", "rate_by_registration_order", _NULL.format(
        what="registration-order bin"), out,
        f"share of selections from the first {cfg.order_bias_window:.4g} of registrations "
        f"(null {early_count / n:.4g})", "Pearson X^2 / ((N - k)/(N - 1)), multivariate "
        "hypergeometric", effect=float(counts[early].sum()) / (m * k),
        alternative=f"{stated:.0%} of winners from the first {cfg.order_bias_window:.4g} of "
                    "registrations (DV-2012-like)")
    built.pending.append(Pending(test, _early_share_power(ctx, out, labels, early, stated,
                                                          feasible)))


def _time_test(ctx: Context, built: Built) -> None:
    cfg, n, k, m = ctx.config, ctx.n, ctx.k, ctx.m
    labels = equal_width_bins(ctx.sample.population.registered_at, cfg.time_buckets)
    bins = int(labels.max()) + 1 if n else 0
    totals = np.bincount(labels, weights=ctx.primary_counts, minlength=bins)
    sizes = np.bincount(labels, minlength=bins)
    built.plots["rate_by_registration_time"] = rate_band(totals, sizes, m, k, n, 1 - cfg.alpha)
    out = group_rate(totals, sizes, m, k, cfg.min_expected)
    if out is None or "degenerate" in out.extra:
        built.notes.append("registration-time test not run: one time bucket or too few "
                           "selections")
        return
    test = ctx.test("F-03", "rate_by_registration_time", _NULL.format(
        what="equal-width registration-time bucket"), out, W_LABEL + " over time buckets",
        "Pearson X^2 / ((N - k)/(N - 1)), sparse buckets merged with neighbours")
    built.pending.append(Pending(test, w_mde(out.df, out.extra["c"], m * k, cfg.power)))


def _correlation_test(ctx: Context, built: Built) -> None:
    n, cfg = ctx.n, ctx.config
    out = rank_correlation(ctx.sample.population.order, ctx.primary_counts)
    if "degenerate" in out.extra:
        built.notes.append(f"rank correlation not run: {out.extra['degenerate']}")
        return
    test = ctx.test("F-03", "spearman_order_vs_count", "selection counts are exchangeable over "
                    "applicants, so unrelated to registration order", out,
                    "Spearman's rho (registration order vs selection count)",
                    "permutation null of Spearman's rho, z = rho sqrt(N - 1)")
    built.pending.append(Pending(test, lambda level: PowerInfo(
        mde=z_shift_needed(level, cfg.power) / math.sqrt(n - 1))))


def registration_order(ctx: Context) -> Built:
    """F-03: rate by registration-order bin (with the DV-2012 power statement), by
    registration-time bucket, and Spearman's rho of order against count."""
    built = Built("F-03")
    _order_bins_test(ctx, built)
    _time_test(ctx, built)
    _correlation_test(ctx, built)
    return built
