"""The national-id check-digit rule (ASTI-1 section 4), property-tested."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from targets.reference.national_id import NationalIdHasher, is_valid_national_id

digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


def oracle(value: str) -> bool:
    """The rule as the contract words it, written independently of the implementation."""
    if len(value) != 10 or any(c not in "0123456789" for c in value) or len(set(value)) == 1:
        return False
    d = [int(c) for c in value]
    r = sum(d[i] * (10 - i) for i in range(9)) % 11
    return d[9] == (r if r < 2 else 11 - r)


@given(digits)
def test_validator_agrees_with_the_contract_rule(value: str) -> None:
    assert is_valid_national_id(value) == oracle(value)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_prefix_has_exactly_one_check_digit(prefix: str) -> None:
    assume(len(set(prefix)) > 1)
    assert sum(is_valid_national_id(prefix + str(c)) for c in range(10)) == 1


@given(st.text(max_size=20))
def test_anything_but_ten_ascii_digits_is_invalid(value: str) -> None:
    assume(not (len(value) == 10 and value.isascii() and value.isdigit()))
    assert not is_valid_national_id(value)


def test_ten_equal_digits_are_invalid_even_when_the_digit_checks() -> None:
    # 0000000000 satisfies the check digit (s = 0, r = 0) yet is excluded by the rule.
    assert not any(is_valid_national_id(str(d) * 10) for d in range(10))
    assert is_valid_national_id("0000000011") == oracle("0000000011")


def test_stored_form_is_keyed() -> None:
    a, b = NationalIdHasher(b"k" * 32), NationalIdHasher(b"j" * 32)
    assert a("1234567890") == a("1234567890") != b("1234567890")
    assert "1234567890" not in a("1234567890")
