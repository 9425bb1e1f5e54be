"""F-01 (primary selection) and F-02 (reserve selection and rank) tests."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import optimize, special, stats

from harness.fairness.stats.chisq import count_uniformity, extreme_counts, group_rate, independence
from harness.fairness.stats.context import Built, Context
from harness.fairness.stats.counting import equal_size_bins, per_draw_group_counts
from harness.fairness.stats.plotdata import count_histogram, quantiles_qq, rate_band
from harness.fairness.stats.power import (
    chi2_lambda_needed,
    chi2_power,
    draws_needed,
    exclusion_critical_count,
    modulo_index_inclusion,
    noncentrality,
    sorted_reserve_table,
)
from harness.fairness.stats.result import Pending, PowerInfo

__all__ = ["chi2_alternative", "primary_selection", "reserve_selection", "w_mde"]

W_LABEL = "Cohen's w"
_UNIFORM = "each draw's {what} list is a uniform random {size}-subset of the N applicants, " \
           "independently across draws"


def w_mde(df: float | None, scale: float, selections: float,
          target: float) -> Callable[[float], PowerInfo]:
    """MDE in Cohen's w of a chi-square test whose statistic is X^2 / scale with ``selections``
    selections: w* = sqrt(lambda* scale / selections)."""
    def at(level: float) -> PowerInfo:
        if df is None or selections <= 0 or scale <= 0:
            return PowerInfo()
        return PowerInfo(mde=math.sqrt(chi2_lambda_needed(df, level, target) * scale / selections))
    return at


def chi2_alternative(df: float, lam_per_draw: float, m: int, target: float,
                     mde_of: Callable[[float], float | None]) -> Callable[[float], PowerInfo]:
    """Power against an alternative whose non-centrality is ``lam_per_draw`` per draw;
    ``mde_of(lambda_needed)`` turns the needed non-centrality into the test's effect unit."""
    def at(level: float) -> PowerInfo:
        need = chi2_lambda_needed(df, level, target)
        draws = math.ceil(need / lam_per_draw) if lam_per_draw > 0 else None
        return PowerInfo(chi2_power(m * lam_per_draw, df, level), mde_of(need), draws)
    return at


def _exclusion_power(m: int, p: float, n: int, decrease: float,
                     target: float) -> Callable[[float], PowerInfo]:
    """Power of the extreme-count test when one applicant's chance is (1 - decrease) p."""
    def power(draws: int, level: float) -> float:
        critical = exclusion_critical_count(draws, p, n, level)
        return 0.0 if critical < 0 else float(stats.binom.cdf(critical, draws, p * (1 - decrease)))

    def at(level: float) -> PowerInfo:
        critical = exclusion_critical_count(m, p, n, level)
        mde = None
        if critical >= 0:
            mde = float(optimize.brentq(
                lambda d: stats.binom.cdf(critical, m, p * (1 - d)) - target, 0.0, 1.0))
        return PowerInfo(power(m, level), mde,
                         draws_needed(lambda d: power(d, level), target, max(m, 1)))
    return at


def _count_tests(ctx: Context, built: Built, counts: np.ndarray, picks: int, what: str,
                 stated: bool) -> None:
    """Per-applicant X^2 and extreme counts of one list (primary or reserve)."""
    rid, m, n, cfg = built.requirement, ctx.m, ctx.n, ctx.config
    null = _UNIFORM.format(what=what, size=picks)
    out = count_uniformity(counts, m, picks)
    if "degenerate" in out.extra:
        built.notes.append(f"{what} count X^2 not run: {out.extra['degenerate']}")
    else:
        test = ctx.test(rid, f"{what}_count_chi2", null, out, W_LABEL + " over applicants",
                        "Pearson X^2 with exact moments under sampling without replacement")
        built.pending.append(Pending(test, w_mde(out.df, out.extra["scale"], m * picks,
                                                 cfg.power)))
    ext = extreme_counts(counts, m, picks)
    if "degenerate" in ext.extra:
        built.notes.append(f"{what} extreme counts not run: {ext.extra['degenerate']}")
        return
    decrease = cfg.single_applicant_bias if stated else 1.0
    alternative = f"one applicant's chance lower by {decrease:.0%}" if stated else ""
    test = ctx.test(rid, f"{what}_extreme_count", null + "; each count ~ Binomial(M, k/N)", ext,
                    "relative change of the most extreme applicant's rate (MDE: smallest "
                    "relative decrease of one applicant's chance)",
                    "exact binomial tails, Bonferroni over 2N", alternative=alternative)
    power = _exclusion_power(m, picks / n, n, decrease, cfg.power)
    built.pending.append(Pending(test, power if stated else
                                 (lambda level: PowerInfo(mde=power(level).mde))))


def _position_test(ctx: Context, built: Built, counts: np.ndarray, start: int, stop: int,
                   what: str, stated: bool) -> None:
    """Selection rate by canonical-position bin (what an index-arithmetic fault distorts)."""
    n, m, cfg, picks = ctx.n, ctx.m, ctx.config, stop - start
    labels = equal_size_bins(np.arange(n), cfg.position_bins)
    bins = int(labels.max()) + 1
    totals = np.bincount(labels, weights=counts, minlength=bins)
    sizes = np.bincount(labels, minlength=bins)
    built.plots[f"{what}_rate_by_position"] = rate_band(totals, sizes, m, picks, n, 1 - cfg.alpha)
    out = group_rate(totals, sizes, m, picks, cfg.min_expected)
    if out is None or "degenerate" in out.extra:
        built.notes.append(f"{what} position test not run: too few selections for two bins")
        if stated:
            built.unmet.append(f"{cfg.index_word_bits}-bit modulo index (position test not run)")
        return
    c, df = out.extra["c"], float(out.df or 0)
    alternative = f"{cfg.index_word_bits}-bit word mod (N - i) index" if stated else ""
    test = ctx.test(built.requirement, f"{what}_rate_by_position",
                    _UNIFORM.format(what=what, size=picks) + "; rate equal in every "
                    "canonical-position bin", out, W_LABEL + " over position bins",
                    "Pearson X^2 / ((N - k)/(N - 1)), multivariate hypergeometric",
                    alternative=alternative)
    if not stated:
        built.pending.append(Pending(test, w_mde(df, c, m * picks, cfg.power)))
        return
    merged = out.extra["labels"][labels]
    incl = modulo_index_inclusion(n, start, stop, cfg.index_word_bits)
    pi1 = np.bincount(merged, weights=incl) / picks
    lam = noncentrality(pi1, out.extra["sizes"] / n, picks, c)
    built.pending.append(Pending(test, chi2_alternative(
        df, lam, m, cfg.power, lambda need: math.sqrt(need * c / (m * picks)))))


def _plots(built: Built, counts: np.ndarray, m: int, picks: int, what: str) -> None:
    n = len(counts)
    p = picks / n
    built.plots[f"{what}_count_histogram"] = count_histogram(counts, m, p)
    two_sided = np.minimum(1.0, 2 * np.minimum(stats.binom.cdf(counts, m, p),
                                               stats.binom.sf(counts - 1, m, p)))
    built.plots[f"{what}_applicant_p_value_qq"] = quantiles_qq(two_sided)


def primary_selection(ctx: Context) -> Built:
    """F-01: per-applicant counts (X^2, extremes) and rate by canonical position."""
    built = Built("F-01")
    _count_tests(ctx, built, ctx.primary_counts, ctx.k, "primary", stated=True)
    _position_test(ctx, built, ctx.primary_counts, 0, ctx.k, "primary", stated=True)
    _plots(built, ctx.primary_counts, ctx.m, ctx.k, "primary")
    return built


def _rank_test(ctx: Context, built: Built, ranks: np.ndarray, name: str, stated: bool) -> None:
    """Applicant group x reserve-rank bucket table (groups: equal bins of ``ranks``)."""
    cfg, r, m, n = ctx.config, ctx.r, ctx.m, ctx.n
    side = int(math.sqrt(m * r / cfg.min_expected))
    groups, buckets = min(cfg.rank_groups, side, n), min(cfg.rank_buckets, side, r)
    if groups < 2 or buckets < 2:
        built.notes.append(f"rank test by {name} not run: too few reserve entries")
        if stated:
            built.unmet.append("reserve ranks in registration order (rank test not run)")
        return
    labels = equal_size_bins(ranks, groups)
    bucket_of_rank = equal_size_bins(np.arange(r), buckets)
    cells_index = labels[ctx.sample.reserve] * buckets + bucket_of_rank[None, :]
    cells = np.bincount(cells_index.ravel(), minlength=groups * buckets).reshape(groups, buckets)
    out = independence(cells, per_draw_group_counts(ctx.sample.reserve, labels, groups), r)
    if out is None:
        built.notes.append(f"rank test by {name} not run: degenerate table")
        return
    built.plots[f"rank_table_by_{name}"] = {"observed": out.extra["observed"],
                                            "expected": out.extra["expected"]}
    df = float(out.df or 0)
    test = ctx.test("F-02", f"reserve_rank_by_{name}", "given each draw's reserve set, its "
                    "order is a uniform random permutation", out, W_LABEL + " of the table",
                    "conditional X^2 of independence with exact conditional mean",
                    alternative=f"{cfg.reserve_rank_bias:.0%} of draws rank reserves by "
                                "registration order" if stated else "")
    if not stated:
        built.pending.append(Pending(test, w_mde(df, 1.0, m * r, cfg.power)))
        return
    sorted_table = sorted_reserve_table(r, groups, bucket_of_rank, buckets)
    pi0 = np.outer(np.bincount(labels, minlength=groups) / n,
                   np.bincount(bucket_of_rank, minlength=buckets) / r)
    unit = noncentrality(sorted_table, pi0, r, r / (r - 1))  # all draws sorted, per draw
    built.pending.append(Pending(test, _sorted_share_power(df, unit, m, cfg.reserve_rank_bias,
                                                           cfg.power)))


def _sorted_share_power(df: float, unit: float, m: int, share: float,
                        target: float) -> Callable[[float], PowerInfo]:
    """Power when each draw independently (probability ``share``) lists its reserves in
    registration order: with j such draws of M the table's non-centrality is j^2 unit / M, so
    the power is the Binomial(M, share) mixture of the non-central chi-square powers (it can
    never exceed 1 - (1 - share)^M, the chance that the defect shows at all)."""
    def power(draws: int, rate: float, level: float) -> float:
        j = np.arange(draws + 1, dtype=np.float64)
        weights = stats.binom.pmf(j, draws, rate)
        critical = special.chdtri(df, level)
        powers = 1.0 - special.chndtr(critical, df, j**2 * unit / draws)
        return float(np.sum(weights * np.where(j > 0, powers, level)))

    def at(level: float) -> PowerInfo:
        mde = None
        if power(m, 1.0, level) >= target:
            mde = float(optimize.brentq(lambda s: power(m, s, level) - target, 1e-9, 1.0))
        return PowerInfo(power(m, share, level), mde,
                         draws_needed(lambda d: power(d, share, level), target, max(m, 1)))
    return at


def reserve_selection(ctx: Context) -> Built:
    """F-02: reserve counts (X^2, extremes, position) and rank uniformity."""
    built = Built("F-02")
    start, stop = ctx.k, ctx.k + ctx.r
    _count_tests(ctx, built, ctx.reserve_counts, ctx.r, "reserve", stated=False)
    _position_test(ctx, built, ctx.reserve_counts, start, stop, "reserve", stated=False)
    _rank_test(ctx, built, np.arange(ctx.n), "canonical_position", stated=False)
    _rank_test(ctx, built, ctx.sample.population.order, "registration_order", stated=True)
    _plots(built, ctx.reserve_counts, ctx.m, ctx.r, "reserve")
    return built
