"""F-04: selection is independent of applicant attributes (region, national-id digits)."""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from harness.fairness.stats.chisq import Outcome, group_rate
from harness.fairness.stats.context import Built, Context
from harness.fairness.stats.plotdata import rate_band
from harness.fairness.stats.power import chi2_lambda_needed, chi2_power
from harness.fairness.stats.result import Pending, PowerInfo
from harness.fairness.stats.selection import W_LABEL, w_mde

__all__ = ["attributes"]

_NULL = "each draw's primary list is a uniform random k-subset, independently across draws; " \
        "the selection rate is the same in every {what}"
_SOURCE = "Pearson X^2 / ((N - k)/(N - 1)), multivariate hypergeometric; classes with few " \
          "expected selections merged"


def _region_lambda(shares: np.ndarray, merged: np.ndarray, bias: float) -> np.ndarray:
    """Per draw and per selection, sum((pi1 - pi0)^2 / pi0) over merged classes when region g
    alone has its chance raised by ``bias``, for every g (rows)."""
    groups = int(merged.max()) + 1
    pi0 = np.bincount(merged, weights=shares, minlength=groups)
    raised = shares[None, :] * (1 + bias * np.eye(len(shares)))
    raised /= raised.sum(axis=1, keepdims=True)
    pi1 = np.zeros((len(shares), groups))
    np.add.at(pi1.T, merged, raised.T)
    return np.asarray(np.sum((pi1 - pi0) ** 2 / pi0, axis=1))


def _region_test(ctx: Context, built: Built) -> None:
    cfg, n, k, m = ctx.config, ctx.n, ctx.k, ctx.m
    names, codes = ctx.sample.population.region_codes
    sizes = np.bincount(codes, minlength=len(names))
    totals = np.bincount(codes, weights=ctx.primary_counts, minlength=len(names))
    built.plots["rate_by_region"] = {"region": names.tolist(),
                                     **rate_band(totals, sizes, m, k, n, 1 - cfg.alpha)}
    out = group_rate(totals, sizes, m, k, cfg.min_expected, ordered=False)
    if out is None or "degenerate" in out.extra:
        built.notes.append("region test not run: fewer than two regions with enough selections")
        if len(names) > 1:
            built.unmet.append(f"{cfg.region_bias:.0%} higher chance for one region "
                               "(region test not run)")
        return
    relative = totals / np.maximum(m * k * sizes / n, 1e-300) - 1
    worst = float(relative[int(np.argmax(np.abs(relative)))])
    shares, merged = sizes / n, out.extra["labels"]
    c, df = out.extra["c"], float(out.df or 0)

    def lam_per_draw(bias: float) -> float:  # the hardest region to detect
        return float(k * _region_lambda(shares, merged, bias).min() / c)

    def at(level: float) -> PowerInfo:
        need = chi2_lambda_needed(df, level, cfg.power)
        stated = lam_per_draw(cfg.region_bias)
        mde = None
        if m * lam_per_draw(10.0) >= need:
            mde = float(optimize.brentq(lambda b: m * lam_per_draw(b) - need, 0.0, 10.0))
        return PowerInfo(chi2_power(m * stated, df, level), mde,
                         math.ceil(need / stated) if stated > 0 else None)

    test = ctx.test("F-04", "rate_by_region", _NULL.format(what="region"), out,
                    "largest relative deviation of a region's rate (MDE: smallest relative "
                    "increase of the least detectable region's chance)", _SOURCE, effect=worst,
                    alternative=f"{cfg.region_bias:.0%} higher chance for the least detectable "
                                "region")
    built.pending.append(Pending(test, at))


def _class_test(ctx: Context, built: Built, labels: np.ndarray, classes: int, name: str,
                what: str) -> None:
    cfg, n, k, m = ctx.config, ctx.n, ctx.k, ctx.m
    sizes = np.bincount(labels, minlength=classes)
    totals = np.bincount(labels, weights=ctx.primary_counts, minlength=classes)
    built.plots[f"rate_by_{name}"] = rate_band(totals, sizes, m, k, n, 1 - cfg.alpha)
    out: Outcome | None = group_rate(totals, sizes, m, k, cfg.min_expected, ordered=False)
    if out is None or "degenerate" in out.extra:
        built.notes.append(f"{what} test not run: fewer than two classes with enough selections")
        return
    test = ctx.test("F-04", f"rate_by_{name}", _NULL.format(what=what), out,
                    f"{W_LABEL} over {what} classes", _SOURCE)
    built.pending.append(Pending(test, w_mde(out.df, out.extra["c"], m * k, cfg.power)))


def attributes(ctx: Context) -> Built:
    """F-04: region (with the stated region-bias power), and three national-id digit classes:
    the last (check) digit, the first digit, and the parity of the digit sum."""
    built = Built("F-04")
    _region_test(ctx, built)
    digits = ctx.sample.population.digits
    _class_test(ctx, built, digits[:, 9], 10, "national_id_last_digit", "last national-id digit")
    _class_test(ctx, built, digits[:, 0], 10, "national_id_first_digit",
                "first national-id digit")
    _class_test(ctx, built, digits.sum(axis=1) % 2, 2, "national_id_digit_sum_parity",
                "digit-sum parity")
    return built
