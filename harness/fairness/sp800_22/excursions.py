"""Random excursions and random excursions variant: SP 800-22 sections 2.14 and 2.15.

Null hypothesis: the bits are independent fair coin flips, so the random walk S_k = sum(2 e_i - 1)
visits each state x != 0 within a cycle (a return to zero) as often as a simple random walk does.
"""

from __future__ import annotations

import math

import numpy as np

from harness.fairness.sp800_22.result import TestResult, erfc, igamc

__all__ = ["cycle_count", "random_excursions", "random_excursions_variant"]

_STATES = (-4, -3, -2, -1, 1, 2, 3, 4)
_VARIANT_STATES = tuple(x for x in range(-9, 10) if x != 0)
# Section 3.14 / sts: pi_k(x), the probability that state |x| is visited k = 0..4, >= 5 times in
# a cycle, to the digits sts hard-codes.
_PI = {
    1: (0.5000000000, 0.25000000000, 0.12500000000, 0.06250000000, 0.03125000000, 0.0312500000),
    2: (0.7500000000, 0.06250000000, 0.04687500000, 0.03515625000, 0.02636718750, 0.0791015625),
    3: (0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755143),
    4: (0.8750000000, 0.01562500000, 0.01367187500, 0.01196289063, 0.01046752930, 0.0732727051),
}


def cycle_count(walk: np.ndarray) -> int:
    """J: the number of cycles, i.e. returns to zero plus one unless the walk ends at zero."""
    return int(np.count_nonzero(walk == 0)) + (1 if walk[-1] != 0 else 0)


def _walk(bits: np.ndarray) -> np.ndarray:
    return np.cumsum(bits.astype(np.int32) * 2 - 1, dtype=np.int32)


def _too_few_cycles(name: str, width: int, cycles: int, n: int) -> TestResult | None:
    # sts's rule: J < max(0.005 sqrt(n), 500) makes the chi-square approximation unreliable.
    constraint = max(0.005 * math.sqrt(n), 500)
    if cycles < constraint:
        return TestResult.not_applicable(
            name, width, f"J = {cycles} cycles < {constraint:g} (section 2.14.7)"
        )
    return None


def random_excursions(bits: np.ndarray, walk: np.ndarray | None = None, *,
                      enforce_minimum: bool = True) -> TestResult:
    """Section 2.14: for x in -4..-1, 1..4, chi^2 over nu_k(x), the number of cycles with exactly k
    visits to x (k = 0..4, >= 5); 5 degrees of freedom. Eight P-values in that state order.

    Not applicable when J is too small, or, as sts refuses, when J > max(1000, n/100).
    ``enforce_minimum=False`` lifts both limits, for the publication's 10-bit worked example.
    """
    n = len(bits)
    walk = _walk(bits) if walk is None else walk
    cycles = cycle_count(walk)
    limit = max(1000, n // 100)
    if enforce_minimum and int(np.count_nonzero(walk == 0)) > limit:
        return TestResult.not_applicable(
            "RandomExcursions", 8, f"more than {limit} returns to zero, which sts refuses"
        )
    refused = _too_few_cycles("RandomExcursions", 8, cycles, n)
    if refused is not None and enforce_minimum:
        return refused
    cycle_of = np.cumsum(walk == 0)  # positions after the j-th zero belong to cycle j
    in_range = (walk != 0) & (np.abs(walk) <= 4)
    state = np.where(walk > 0, walk + 3, walk + 4)[in_range]
    visits = np.bincount(cycle_of[in_range] * 8 + state, minlength=(cycles + 1) * 8)
    visits = visits[: cycles * 8].reshape(cycles, 8)
    nu = np.stack([np.count_nonzero(np.minimum(visits, 5) == k, axis=0) for k in range(6)])
    p_values, chi2s = [], []
    for column, x in enumerate(_STATES):
        expected = cycles * np.asarray(_PI[abs(x)])
        chi2 = float(np.sum((nu[:, column] - expected) ** 2 / expected))
        chi2s.append(chi2)
        p_values.append(float(igamc(2.5, chi2 / 2.0)))
    return TestResult(
        "RandomExcursions", tuple(p_values), {"J": cycles, "states": list(_STATES),
                                             "nu": nu.T.tolist(), "chi2": chi2s}
    )


def random_excursions_variant(bits: np.ndarray, walk: np.ndarray | None = None, *,
                              enforce_minimum: bool = True) -> TestResult:
    """Section 2.15: for x in -9..-1, 1..9, the total visits xi(x) against J;
    P = erfc(|xi(x) - J| / sqrt(2J(4|x| - 2))). Eighteen P-values in that state order.
    ``enforce_minimum=False`` lifts the J >= 500 rule, for the publication's worked example."""
    n = len(bits)
    walk = _walk(bits) if walk is None else walk
    cycles = cycle_count(walk)
    refused = _too_few_cycles("RandomExcursionsVariant", 18, cycles, n)
    if refused is not None and enforce_minimum:
        return refused
    near = walk[np.abs(walk) <= 9]
    counts = np.bincount(near + 9, minlength=19)
    p_values = []
    for x in _VARIANT_STATES:
        xi = int(counts[x + 9])
        scale = math.sqrt(2.0 * cycles * (4.0 * abs(x) - 2))
        p_values.append(float(erfc(abs(xi - cycles) / scale)))
    return TestResult(
        "RandomExcursionsVariant", tuple(p_values),
        {"J": cycles, "states": list(_VARIANT_STATES), "xi": [int(counts[x + 9]) for x in
                                                             _VARIANT_STATES]},
    )
