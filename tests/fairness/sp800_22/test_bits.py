"""Bit loading (MSB first, as sts reads binary files), sequence splitting and m-bit windows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import UsageError
from harness.fairness.sp800_22.bits import from_bytes, from_string, split, window_values


def test_bytes_unpack_most_significant_bit_first() -> None:
    assert from_bytes(b"\x80\x01").tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_bit_strings_ignore_whitespace_and_reject_other_characters() -> None:
    assert from_string("10 1\n1").tolist() == [1, 0, 1, 1]
    with pytest.raises(ValueError):
        from_string("102")


def test_split_takes_consecutive_sequences_and_drops_the_tail() -> None:
    chunks = split(bytes([0xFF, 0x00, 0xAA]), 8, None)
    assert [c.tolist() for c in chunks] == [[1] * 8, [0] * 8, [1, 0] * 4]
    assert len(split(bytes(3), 10, None)) == 2


@pytest.mark.parametrize(
    ("data", "bits", "count", "message"),
    [
        (b"", 8, None, "empty"),
        (bytes(1), 16, None, "fewer than 1 sequence"),
        (bytes(4), 8, 5, "fewer than 5 sequence"),
        (bytes(4), 0, None, "must be positive"),
        (bytes(4), 8, 0, "must be positive"),
        (bytes(4), 8, -1, "must be positive"),
    ],
)
def test_split_rejects_too_little_data_and_non_positive_sizes(data, bits, count, message) -> None:
    with pytest.raises(UsageError, match=message):
        split(data, bits, count)


@given(st.lists(st.integers(0, 1), min_size=1, max_size=300), st.integers(1, 25))
def test_windows_equal_the_words_read_off_the_bits(bits, m) -> None:
    array = np.asarray(bits, dtype=np.uint8)
    n = len(bits)
    circular = [int("".join(str(bits[(i + j) % n]) for j in range(m)), 2) for i in range(n)]
    assert window_values(array, m, circular=True).tolist() == circular
    plain = [int("".join(map(str, bits[i : i + m])), 2) for i in range(len(bits) - m + 1)]
    assert window_values(array, m, circular=False).tolist() == plain


def test_sequences_need_not_start_on_a_byte_boundary() -> None:
    chunks = split(bytes([0xF0, 0x0F, 0xAA]), 12, None)
    assert ["".join(map(str, c.tolist())) for c in chunks] == ["111100000000", "111110101010"]
