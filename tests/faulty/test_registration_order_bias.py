"""faulty:registration-order-bias shows its fault over HTTP; the reference started alike does not.

Early registrants (the first fifth by registration order) should hold a fifth of the picks of
fair lab draws. Picks within a draw are drawn without replacement, so a one-sided binomial test
on their count is conservative; at alpha = 1e-6 the reference's false-alarm chance is below one in
a million per run, while the defect (about nine picks in ten from the early part) gives p-values
far below alpha with 400 picks.
"""

from __future__ import annotations

import hashlib

import pytest
from _population import assert_valid, closed_round
from scipy.stats import binomtest

N, K, R, DRAWS = 200, 10, 10, 20
EARLY = N // 5
ALPHA = 1e-6


@pytest.mark.parametrize("spec", ["faulty:registration-order-bias", "reference"])
def test_early_registrants_win_more_only_under_the_defect(start, spec) -> None:
    with start(spec) as target:
        order = closed_round(target, "lab-order-1", N, K, R)
        seeds = [hashlib.sha256(b"order-bias-%d" % i).hexdigest() for i in range(DRAWS)]
        draws = target.lab_draws("lab-order-1", seeds)
    assert [d["seed"] for d in draws] == seeds
    for draw in draws:
        assert_valid(draw, order, K, R)
    early = set(order[:EARLY])
    picks = [a for draw in draws for a in draw["primary"] + draw["reserve"]]
    p_value = binomtest(sum(a in early for a in picks), len(picks), EARLY / N,
                        alternative="greater").pvalue
    assert (p_value < ALPHA) == (spec != "reference"), p_value
