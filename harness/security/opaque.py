"""Opaque credentials and seeds, judged from outside: unique, uniform per position, no order.

A token is treated as an opaque string (a prefixed token or a JWT is legitimate): positions where
every sample has the same character carry no secret and are set aside. Null hypothesis, for each
varying position: its character is uniform over the characters seen there and independent of the
order of issue. Tests (one Holm family at ``alpha``, so a correct generator is failed with
probability at most ``alpha``):

- per position, Pearson's chi-square against the uniform distribution over the characters seen
  there (df = k - 1; valid when the expected count n / k is about 5 or more: smaller ones are
  skipped and counted as untested);
- per position, Spearman's rank correlation between issue order and the character's code point
  (a counter or a clock in the token rises with issue order);
- per position, whether consecutive samples repeat a character more often than chance
  (a binomial test against the sum of squared frequencies: slowly changing digits of a counter);
- over whole tokens, Kendall's tau between issue order and lexicographic order (time-ordered ids).

Capacity is the sum, over varying positions, of log2 of the number of characters seen there. It is
an *upper bound* on the entropy per token, not an estimate of it: it assumes the positions are
uniform and independent, which a few hundred samples cannot establish, and a keyed hash of a
counter passes every test here although it is perfectly predictable to whoever holds the key.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

__all__ = ["OpaqueAnalysis", "PositionTest", "analyse", "holm"]

_END = "\x00end"  # the symbol of a position past a shorter token's end
_MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class PositionTest:
    name: str
    statistic: float
    df: float | None
    p_value: float
    rejected: bool = False


@dataclass(frozen=True)
class OpaqueAnalysis:
    samples: int
    duplicates: int
    lengths: tuple[int, int]
    constant_positions: int
    varying_positions: int
    untested_positions: int
    capacity_bits: float
    alpha: float
    tests: tuple[PositionTest, ...] = field(default=())

    @property
    def rejected(self) -> list[PositionTest]:
        return [t for t in self.tests if t.rejected]

    def to_dict(self) -> dict[str, object]:
        worst = sorted(self.tests, key=lambda t: t.p_value)[:10]
        return {
            "samples": self.samples, "duplicates": self.duplicates,
            "lengths": list(self.lengths), "constant_positions": self.constant_positions,
            "varying_positions": self.varying_positions,
            "untested_positions": self.untested_positions,
            "capacity_bits_upper_bound": round(self.capacity_bits, 3), "alpha": self.alpha,
            "tests": len(self.tests), "rejected": [t.__dict__ for t in self.rejected][:20],
            "smallest_p_values": [t.__dict__ for t in worst],
        }


def holm(p_values: Sequence[float], alpha: float) -> list[bool]:
    """Holm's step-down rejections (family-wise error at most ``alpha``)."""
    order = np.argsort(p_values, kind="stable")
    rejected = [False] * len(p_values)
    m = len(p_values)
    for rank, index in enumerate(order):
        if p_values[index] > alpha / (m - rank):
            break
        rejected[int(index)] = True
    return rejected


def _columns(tokens: Sequence[str]) -> list[list[str]]:
    width = max(len(t) for t in tokens)
    return [[t[p] if p < len(t) else _END for t in tokens] for p in range(width)]


def _position_tests(p: int, column: list[str]) -> tuple[list[PositionTest], bool]:
    n = len(column)
    counts = Counter(column)
    k = len(counts)
    tests = []
    tested = n / k >= _MIN_EXPECTED
    if tested:
        observed = np.array(list(counts.values()), dtype=float)
        chi = float(((observed - n / k) ** 2 / (n / k)).sum())
        tests.append(PositionTest(f"uniform[{p}]", chi, k - 1, float(stats.chi2.sf(chi, k - 1))))
    codes = np.array([ord(c[0]) if c != _END else -1 for c in column], dtype=float)
    rho = stats.spearmanr(np.arange(n), codes)
    tests.append(PositionTest(f"order[{p}]", float(rho.statistic), None, float(rho.pvalue)))
    repeats = sum(a == b for a, b in zip(column, column[1:], strict=False))
    chance = float(sum((c / n) ** 2 for c in counts.values()))
    if chance < 1:
        result = stats.binomtest(repeats, n - 1, chance, alternative="greater")
        tests.append(PositionTest(f"repeats[{p}]", repeats / (n - 1), None,
                                  float(result.pvalue)))
    return tests, tested


def analyse(tokens: Sequence[str], alpha: float) -> OpaqueAnalysis:
    """Analyse ``tokens`` given in order of issue (at least 3)."""
    if len(tokens) < 3:
        raise ValueError("at least three samples are needed")
    tests: list[PositionTest] = []
    constant = untested = 0
    capacity = 0.0
    for p, column in enumerate(_columns(tokens)):
        k = len(set(column))
        if k == 1:
            constant += 1
            continue
        capacity += math.log2(k)
        found, tested = _position_tests(p, column)
        untested += not tested
        tests += found
    ranks = stats.rankdata(list(tokens), method="average")
    tau = stats.kendalltau(np.arange(len(tokens)), ranks)
    tests.append(PositionTest("issue_order", float(tau.statistic), None, float(tau.pvalue)))
    p_values = [0.0 if math.isnan(t.p_value) else t.p_value for t in tests]
    decided = [PositionTest(t.name, t.statistic, t.df, p, r) for t, p, r in
               zip(tests, p_values, holm(p_values, alpha), strict=True)]
    lengths = [len(t) for t in tokens]
    return OpaqueAnalysis(len(tokens), len(tokens) - len(set(tokens)),
                          (min(lengths), max(lengths)), constant,
                          len(_columns(tokens)) - constant, untested, capacity, alpha,
                          tuple(decided))
