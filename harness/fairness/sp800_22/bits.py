"""Bits from bytes (most significant bit first, as sts reads binary files) and m-bit windows."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from harness.errors import UsageError

__all__ = ["from_bytes", "from_string", "iter_sequences", "sequence_count", "split",
           "window_values"]


def from_bytes(data: bytes) -> np.ndarray:
    """All bits of ``data`` as a uint8 array of 0/1, most significant bit of each byte first."""
    return np.unpackbits(np.frombuffer(data, dtype=np.uint8))


def from_string(text: str) -> np.ndarray:
    """Bits from text such as SP 800-22's examples; whitespace is ignored."""
    digits = "".join(text.split())
    if digits.strip("01"):
        raise ValueError("a bit string may contain only 0, 1 and whitespace")
    return (np.frombuffer(digits.encode("ascii"), dtype=np.uint8) - ord("0")).astype(np.uint8)


def sequence_count(data: bytes, sequence_bits: int, sequences: int | None) -> int:
    """How many ``sequence_bits``-bit sequences to take from ``data``: ``sequences``, or all the
    whole ones it holds when None (trailing bits are unused, as in sts).

    Too little data is the user's mistake (``UsageError``), never a silent shortfall.
    """
    if sequence_bits <= 0:
        raise UsageError(f"sequence bits must be positive, got {sequence_bits}")
    if sequences is not None and sequences <= 0:
        raise UsageError(f"the number of sequences must be positive, got {sequences}")
    available = len(data) * 8
    if available == 0:
        raise UsageError("the input is empty")
    wanted = sequences if sequences is not None else available // sequence_bits
    if wanted == 0 or wanted * sequence_bits > available:
        raise UsageError(
            f"the input holds {available} bits, fewer than {max(wanted, 1)} sequence(s)"
            f" of {sequence_bits} bits"
        )
    return wanted


def iter_sequences(data: bytes, sequence_bits: int, count: int) -> Iterator[np.ndarray]:
    """The ``count`` consecutive sequences of ``data``, unpacked one at a time (memory stays at
    one sequence however large the file)."""
    for i in range(count):
        start = i * sequence_bits
        chunk = data[start // 8 : (start + sequence_bits + 7) // 8]
        offset = start % 8
        yield from_bytes(chunk)[offset : offset + sequence_bits]


def split(data: bytes, sequence_bits: int, sequences: int | None) -> list[np.ndarray]:
    """All sequences at once (see ``sequence_count`` for the rules)."""
    count = sequence_count(data, sequence_bits, sequences)
    return list(iter_sequences(data, sequence_bits, count))


def window_values(bits: np.ndarray, m: int, *, circular: bool) -> np.ndarray:
    """The m-bit word starting at each position, first bit most significant (1 <= m <= 25).

    Circular windows wrap around the end (n words, as ApEn and Serial use); otherwise only the
    n - m + 1 windows that fit. Built from packed bytes, eight bit offsets at a time.
    """
    n = len(bits)
    count = n if circular else n - m + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    source = np.resize(bits, n + m - 1) if circular else bits  # wraps as often as needed
    groups = (count + 7) // 8
    padded = np.zeros(groups * 8 + 32, dtype=np.uint8)
    padded[: len(source)] = source
    packed = np.packbits(padded).astype(np.uint32)
    word = (packed[:groups] << 24) | (packed[1 : groups + 1] << 16)
    word |= (packed[2 : groups + 2] << 8) | packed[3 : groups + 3]
    out = np.empty((groups, 8), dtype=np.uint32)
    mask = np.uint32((1 << m) - 1)
    for offset in range(8):
        out[:, offset] = (word >> np.uint32(32 - m - offset)) & mask
    return out.reshape(-1)[:count]
