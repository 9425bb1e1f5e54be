"""National ids of an example: fresh valid ids per person, invalid ids of every kind."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.invariants.model import RoundModel, World, register_outcome
from harness.invariants.people import BadId, IdBlock, bad_national_id
from harness.synthetic import is_valid_national_id


@given(st.integers(0, 10**9 - 1), st.integers(1, 40))
def test_every_person_of_a_block_has_a_distinct_valid_id(base: int, size: int) -> None:
    block = IdBlock(base, size)
    ids = [block.national_id(p) for p in range(size)]
    assert all(is_valid_national_id(i) for i in ids)
    assert len(set(ids)) == size
    assert [block.person_of(i) for i in ids] == list(range(size))


def test_neighbouring_blocks_never_share_an_id() -> None:
    first, second = IdBlock(5_000, 20), IdBlock(5_020, 20)
    ids = [{block.national_id(p) for p in range(20)} for block in (first, second)]
    assert not ids[0] & ids[1]


@given(st.integers(0, 10**9 - 1), st.sampled_from(list(BadId)), st.integers(0, 9))
def test_bad_ids_are_invalid_with_the_contracts_error_code(
    base: int, kind: BadId, digit: int
) -> None:
    valid = IdBlock(base, 1).national_id(0)
    bad = bad_national_id(kind, valid, digit)
    assert not (isinstance(bad, str) and is_valid_national_id(bad))
    world = World()
    world.rounds["R"] = RoundModel("R", 1, 1, 5)
    assert register_outcome(world, "R", bad).code == kind.error_code


def test_shape_errors_are_invalid_request_and_digit_errors_invalid_national_id() -> None:
    assert BadId.SHORT.error_code == BadId.LETTERS.error_code == BadId.NUMBER.error_code \
        == BadId.NON_ASCII_DIGITS.error_code == "invalid_request"
    assert BadId.CHECK_DIGIT.error_code == BadId.EQUAL_DIGITS.error_code == "invalid_national_id"
