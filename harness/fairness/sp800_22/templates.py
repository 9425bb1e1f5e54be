"""Non-overlapping and overlapping template matching: SP 800-22 sections 2.7 and 2.8.

Null hypothesis: the bits are independent fair coin flips, so the number of occurrences of an m-bit
template in each block is distributed as for random bits (too many or too few reveal aperiodic or
periodic patterns).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from harness.fairness.sp800_22.bits import window_values
from harness.fairness.sp800_22.result import TestResult, igamc

__all__ = ["aperiodic_templates", "non_overlapping", "overlapping", "overlapping_probabilities"]


@functools.cache
def aperiodic_templates(m: int) -> tuple[int, ...]:
    """The m-bit templates that cannot overlap a shifted copy of themselves, in increasing order.

    This is the order of sts's templates/template<m> files (148 templates for m = 9). A template
    B is periodic when some shift k < m has B[k:] == B[:m-k].
    """
    found = []
    for value in range(1 << m):
        word = format(value, f"0{m}b")
        if not any(word[k:] == word[: m - k] for k in range(1, m)):
            found.append(value)
    return tuple(found)


def non_overlapping(bits: np.ndarray, m: int = 9, blocks: int = 8) -> TestResult:
    """Section 2.7: for every aperiodic template, chi^2 of its counts W_j in N = 8 blocks.

    Counting restarts after a match; an aperiodic template cannot overlap itself, so that equals
    the plain number of windows that match, which one histogram of m-bit words gives for all
    templates at once. mu = (M - m + 1)/2^m, sigma^2 = M (1/2^m - (2m - 1)/2^(2m)).
    """
    n = len(bits)
    block = n // blocks
    if block - m + 1 <= 0:
        return TestResult.not_applicable(
            "NonOverlappingTemplate",
            len(aperiodic_templates(m)),
            f"blocks of M = {block} bits are shorter than the template (m = {m})",
        )
    words = window_values(bits[: blocks * block], m, circular=False)
    width = block - m + 1
    starts = np.arange(blocks)[:, None] * block + np.arange(width)[None, :]
    counts = np.bincount(
        (np.arange(blocks)[:, None] * (1 << m) + words[starts]).reshape(-1),
        minlength=blocks << m,
    ).reshape(blocks, 1 << m)
    templates = np.asarray(aperiodic_templates(m))
    w = counts[:, templates]
    mu = (block - m + 1) / 2.0**m
    variance = block * (1.0 / 2.0**m - (2.0 * m - 1.0) / 2.0 ** (2.0 * m))
    chi2 = ((w - mu) ** 2).sum(axis=0) / variance
    p = igamc(blocks / 2.0, chi2 / 2.0)
    return TestResult(
        "NonOverlappingTemplate",
        tuple(float(v) for v in p),
        {"M": block, "N": blocks, "mu": mu, "sigma2": variance, "chi2": chi2.tolist(),
         "W": w.T.tolist()},
    )


def overlapping_probabilities(m: int = 9, block: int = 1032, classes: int = 5) -> tuple[float, ...]:
    """The class probabilities sts-2.1.2 computes (not the publication's corrected ones).

    pi_u = sum_{l=1}^{u} e^-eta 2^-u eta^l / l! C(u-1, l-1) for u < K, pi_K = 1 - sum, with
    eta = (M - m + 1) / 2^(m+1). See docs/sp800-22.md for why this differs from section 3.8.
    """
    eta = (block - m + 1) / 2.0**m / 2.0
    pis = [math.exp(-eta)]
    for u in range(1, classes):
        pis.append(
            sum(
                math.exp(
                    -eta - u * math.log(2) + l * math.log(eta) - math.lgamma(l + 1)
                    + math.lgamma(u) - math.lgamma(l) - math.lgamma(u - l + 1)
                )
                for l in range(1, u + 1)  # noqa: E741 - the publication's name
            )
        )
    pis.append(1.0 - sum(pis))
    return tuple(pis)


def overlapping(bits: np.ndarray, m: int = 9, block: int = 1032, classes: int = 5,
                probabilities: tuple[float, ...] | None = None) -> TestResult:
    """Section 2.8: counts of the all-ones m-bit template (overlaps allowed) per M-bit block,
    binned 0, 1, ..., K-1, >= K; chi^2 with K degrees of freedom.
    """
    n = len(bits)
    count = n // block
    if count == 0:
        return TestResult.not_applicable(
            "OverlappingTemplate", 1, f"n = {n} is shorter than one block of M = {block} bits"
        )
    pis = np.asarray(probabilities or overlapping_probabilities(m, block, classes))
    hits = np.zeros(count * block, dtype=bool)
    words = window_values(bits[: count * block], m, circular=False)
    hits[: len(words)] = words == (1 << m) - 1
    per_block = hits.reshape(count, block)[:, : block - m + 1].sum(axis=1)
    nu = np.bincount(np.minimum(per_block, classes), minlength=classes + 1)
    chi2 = float(np.sum((nu - count * pis) ** 2 / (count * pis)))
    p = float(igamc(classes / 2.0, chi2 / 2.0))
    return TestResult(
        "OverlappingTemplate", (p,), {"N": count, "nu": nu.tolist(), "pi": pis.tolist(),
                                      "chi2": chi2}
    )
