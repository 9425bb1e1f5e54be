"""harness.synthetic: generated people with valid, distinct national ids."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from harness.synthetic import check_digit, is_valid_national_id, national_ids, people


def test_generated_national_ids_are_valid_and_distinct() -> None:
    ids = national_ids(np.random.default_rng(1), 20_000)
    assert len(set(ids)) == 20_000
    assert all(is_valid_national_id(nid) for nid in ids)


def test_the_check_digit_rule_of_the_contract() -> None:
    # s = 1*10 + 2*9 + ... + 9*2 = 210, r = 210 mod 11 = 1 < 2, so d9 = 1
    assert check_digit("123456789") == 1
    assert is_valid_national_id("1234567891")
    assert not is_valid_national_id("1234567890")
    assert not is_valid_national_id("0000000000")  # ten equal digits, although the digit fits
    assert not is_valid_national_id("123456789")


@given(st.integers(0, 10**9 - 1))
def test_check_digit_agrees_with_the_contract_formula(prefix: int) -> None:
    text = f"{prefix:09d}"
    r = sum(int(d) * (10 - i) for i, d in enumerate(text)) % 11
    assert check_digit(text) == (r if r < 2 else 11 - r)


def test_people_are_reproducible_from_the_seed_and_regions_follow_the_weights() -> None:
    crowd = people(np.random.default_rng(5), 4000, (4, 2, 1, 1))
    again = people(np.random.default_rng(5), 4000, (4, 2, 1, 1))
    assert crowd == again
    sizes = Counter(person.region for person in crowd)
    assert sorted(sizes) == ["region-01", "region-02", "region-03", "region-04"]
    assert sizes["region-01"] > sizes["region-02"] > sizes["region-03"]
