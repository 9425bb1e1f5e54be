"""faulty:lab-draws-differ: a lab draw for a real round's seed gives other lists than the round,
while the round itself replays with the harness's own ACS-DRAW-1; the reference gives the same."""

from __future__ import annotations

import pytest
from _population import assert_valid, closed_round

from harness.fairness.replay import CanonicalList
from harness.fairness.verify import verify_published

K, R = 5, 5


@pytest.mark.parametrize("spec", ["faulty:lab-draws-differ", "reference"])
def test_lab_draws_match_real_rounds_only_on_the_reference(start, spec) -> None:
    with start(spec) as target:
        eligible = closed_round(target, "lab-differ-1", 30, K, R)
        target.commit("lab-differ-1", "defect test beacon")
        published = target.draw("lab-differ-1", "beef")
        listed = target.applicant_list("lab-differ-1").decode("ascii").splitlines()
        lab = target.lab_draws("lab-differ-1", [published["seed"]])[0]
    verification = verify_published(published, CanonicalList(listed))
    assert verification.ok, verification.failures
    assert lab["seed"] == published["seed"]
    assert_valid(lab, eligible, K, R)
    same = (lab["primary"], lab["reserve"]) == (published["primary"], published["reserve"])
    assert same == (spec == "reference")
