"""Power and minimum detectable effects: non-central chi-square and normal approximations.

A chi-square test whose statistic is X^2 / c ~ chi^2(df) under the null has, under an
alternative that moves the cell proportions from pi0 to pi1 with n selections,
X^2 / c ~ ncx2(df, lambda) with lambda = n * sum((pi1 - pi0)^2 / pi0) / c (Cohen 1988, ch. 7;
scipy.stats.ncx2). Powers are computed at the level the first Holm step uses (alpha / T), a lower
bound for the power under Holm.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import optimize, special, stats

__all__ = ["chi2_lambda_needed", "chi2_power", "draws_needed", "exclusion_critical_count",
           "modulo_index_inclusion",
           "noncentrality", "sorted_reserve_table", "z_power", "z_shift_needed"]


def chi2_power(lam: float, df: float, level: float) -> float:
    """P(ncx2(df, lam) > chi2 critical value at ``level``) (scipy.special's chdtri/chndtr, the
    ufuncs behind scipy.stats.chi2 and ncx2)."""
    critical = special.chdtri(df, level)
    if lam <= 0:
        return float(level)
    return float(1.0 - special.chndtr(critical, df, lam))


def chi2_lambda_needed(df: float, level: float, power: float) -> float:
    """The non-centrality at which the chi-square test at ``level`` reaches ``power``."""
    critical = special.chdtri(df, level)
    high = max(1.0, df)
    while 1.0 - special.chndtr(critical, df, high) < power:
        high *= 2
    return float(optimize.brentq(lambda lam: 1.0 - special.chndtr(critical, df, lam) - power,
                                 0.0, high, xtol=1e-6))


def noncentrality(pi1: np.ndarray, pi0: np.ndarray, n: float, c: float) -> float:
    """lambda = n * sum((pi1 - pi0)^2 / pi0) / c over cells with pi0 > 0."""
    pi1, pi0 = np.asarray(pi1, dtype=np.float64), np.asarray(pi0, dtype=np.float64)
    cells = pi0 > 0
    return float(n * np.sum((pi1[cells] - pi0[cells]) ** 2 / pi0[cells]) / c)


def z_power(shift: float, level: float) -> float:
    """Power of a two-sided z-test at ``level`` when the statistic's mean is ``shift``."""
    critical = stats.norm.isf(level / 2)
    return float(stats.norm.sf(critical - shift) + stats.norm.cdf(-critical - shift))


def z_shift_needed(level: float, power: float) -> float:
    """The standardised mean shift a two-sided z-test at ``level`` detects with ``power``."""
    return float(stats.norm.isf(level / 2) + stats.norm.isf(1 - power))


def draws_needed(power_at: Callable[[int], float], target: float, start: int,
                 limit: int = 10**8) -> int | None:
    """Smallest number of draws M with ``power_at(M) >= target`` (power non-decreasing in M),
    by doubling then bisection; None when even ``limit`` draws do not suffice."""
    low, high = 0, max(1, start)
    while power_at(high) < target:
        low, high = high, high * 2
        if high > limit:
            return None
    while high - low > 1:
        middle = (low + high) // 2
        if power_at(middle) >= target:
            high = middle
        else:
            low = middle
    return high


def _first_order_inclusion(n: int, start: int, stop: int, bits: int | None) -> np.ndarray:
    """Sum over Fisher-Yates steps start..stop-1 of the chance that step i picks canonical
    position j = i + v, as if the array past i were still unshuffled (first order)."""
    diff = np.zeros(n + 1)
    steps = np.arange(start, stop, dtype=np.int64)
    sizes = n - steps
    if bits is None:  # the correct index: 1 / (N - i) on [i, N)
        np.add.at(diff, steps, 1.0 / sizes)
        return np.cumsum(diff)[:n]
    space = 2**bits
    small = sizes <= space
    # sizes within the word space: floor(W / size) / W on [i, N), 1 / W more on [i, i + W mod size)
    np.add.at(diff, steps[small], (space // sizes[small] + 1) / space)
    np.add.at(diff, steps[small] + space % sizes[small], -1.0 / space)
    # sizes beyond the word space: 1 / W on [i, i + W), nothing after
    np.add.at(diff, steps[~small], 1.0 / space)
    np.add.at(diff, np.minimum(steps[~small] + space, n), -1.0 / space)
    return np.cumsum(diff)[:n]


def _log_unpicked(n: int, stop: int, bits: int) -> np.ndarray:
    """log P(steps 0..stop-1 all miss position j), exact for positions j >= stop, whose original
    applicant stays in place until some step picks it."""
    diff = np.zeros(n + 1)
    steps = np.arange(stop, dtype=np.int64)
    sizes = n - steps
    space = 2**bits
    small = sizes <= space
    base = space // sizes[small]
    low, high = np.log1p(-base / space), np.log1p(-(base + 1) / space)
    np.add.at(diff, steps[small], high)
    np.add.at(diff, steps[small] + space % sizes[small], low - high)
    np.add.at(diff, steps[~small], np.log1p(-1.0 / space))
    np.add.at(diff, np.minimum(steps[~small] + space, n), -np.log1p(-1.0 / space))
    return np.cumsum(diff)[:n]


def modulo_index_inclusion(n: int, start: int, stop: int, bits: int) -> np.ndarray:
    """Per canonical position, the chance that steps start..stop-1 of a partial Fisher-Yates with
    j = i + (``bits``-bit word mod (N - i)) pick it (sums to stop - start).

    Exact for positions >= stop; the slots 0..stop-1 (whose applicants the shuffle moves) take
    the remaining mass in the shape of the first-order deviation from a correct index. Checked
    against simulation in tests/fairness/stats/test_power.py.
    """
    picks = stop - start
    if picks <= 0 or n == 0:
        return np.zeros(n)
    with np.errstate(under="ignore"):
        tail = np.exp(_log_unpicked(n, start, bits)) - np.exp(_log_unpicked(n, stop, bits))
    head = picks / n + (_first_order_inclusion(n, start, stop, bits)
                        - _first_order_inclusion(n, start, stop, None))[:stop]
    head = np.maximum(head, 0.0)
    inclusion = tail.copy()
    inclusion[:stop] = head * max(picks - float(tail[stop:].sum()), 0.0) / max(head.sum(), 1e-300)
    return inclusion


def sorted_reserve_table(r: int, groups: int, bucket_of_rank: np.ndarray,
                         buckets: int) -> np.ndarray:
    """(groups x buckets) cell shares of one reserve list sorted by registration order, with
    groups = equal registration-order bins: the rank-rho entry is the rho-th order statistic of r
    uniform positions, Beta(rho, r + 1 - rho) on [0, 1]."""
    rho = np.arange(1, r + 1, dtype=np.float64)[:, None]
    edges = np.linspace(0.0, 1.0, groups + 1)[None, :]
    cdf = special.betainc(rho, r + 1 - rho, edges)
    by_rank = np.diff(cdf, axis=1)  # (r, groups)
    table = np.zeros((groups, buckets))
    np.add.at(table.T, bucket_of_rank, by_rank)
    return table / r


def exclusion_critical_count(m: int, p: float, n: int, level: float) -> int:
    """Largest count c with 2 N P(Binomial(M, p) <= c) <= level, -1 when none."""
    bound = level / (2 * n)
    guess = int(stats.binom.ppf(bound, m, p))  # smallest c with P(X <= c) >= bound
    while guess >= 0 and special.bdtr(guess, m, p) > bound:
        guess -= 1
    return guess
