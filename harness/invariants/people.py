"""The synthetic people of one example: fresh valid national ids and the invalid kinds I-06 tries.

Every example works with its own block of national ids, derived from the run seed and the
example's number, so that an example (and its shrunk replay, which gets a new number) never meets
a person an earlier example registered or made a previous winner. Person ``p`` of an example is
always the same national id within that example, which is how duplicates arise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harness.synthetic import check_digit

__all__ = ["BadId", "IdBlock", "bad_national_id"]

_PREFIXES = 10**9


def _valid_from_prefix(number: int) -> str:
    prefix = f"{number % _PREFIXES:09d}"
    return prefix + str(check_digit(prefix))


@dataclass(frozen=True)
class IdBlock:
    """The national ids of one example: person ``p`` is prefix ``base + p`` with its check digit."""

    base: int
    size: int

    def national_id(self, person: int) -> str:
        if not 0 <= person < self.size:
            raise ValueError(f"person {person} is outside this example's block of {self.size}")
        value = _valid_from_prefix(self.base + person)
        if len(set(value)) == 1:  # ddddddddd + d: move half the space away, still unique
            value = _valid_from_prefix(self.base + person + _PREFIXES // 2)
        return value

    def person_of(self, national_id: str) -> int | None:
        """The person a valid id of this block belongs to (for rendering replays)."""
        for person in range(self.size):
            if self.national_id(person) == national_id:
                return person
        return None


class BadId(StrEnum):
    """The ways a national id can be wrong; the contract fixes the error code of each."""

    CHECK_DIGIT = "wrong_check_digit"
    SHORT = "nine_digits"
    LONG = "eleven_digits"
    EQUAL_DIGITS = "ten_equal_digits"
    LETTERS = "letters"
    NON_ASCII_DIGITS = "arabic_indic_digits"
    NUMBER = "json_number"

    @property
    def error_code(self) -> str:
        """Ten ASCII digits that fail the rule are ``invalid_national_id``; anything not of that
        shape is a malformed body, ``invalid_request`` (docs/contract.md section 5)."""
        if self in (BadId.CHECK_DIGIT, BadId.EQUAL_DIGITS):
            return "invalid_national_id"
        return "invalid_request"


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def bad_national_id(kind: BadId, valid: str, digit: int) -> Any:
    """An invalid national id of ``kind`` made from the valid id ``valid``; ``digit`` (0-9)
    chooses among the variants of a kind (which wrong check digit, which repeated digit)."""
    if kind is BadId.CHECK_DIGIT:
        wrong = (int(valid[9]) + 1 + digit % 9) % 10
        return valid[:9] + str(wrong)
    if kind is BadId.SHORT:
        return valid[:9]
    if kind is BadId.LONG:
        return valid + str(digit % 10)
    if kind is BadId.EQUAL_DIGITS:
        return str(digit % 10) * 10
    if kind is BadId.LETTERS:
        return valid[:5] + "abcde"[digit % 5] + valid[6:]
    if kind is BadId.NON_ASCII_DIGITS:
        return valid.translate(_ARABIC_INDIC)
    return int(valid)
