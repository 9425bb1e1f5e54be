"""Reading applicant lists: one id per line, as ``harness draw`` and the published list use."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from harness.errors import UsageError

__all__ = ["ID_PATTERN", "parse_applicant_lines", "read_applicant_file"]

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ID_BYTES = np.zeros(256, dtype=bool)
for _byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-\n":
    _ID_BYTES[_byte] = True


def read_applicant_file(path: str | Path) -> list[bytes]:
    """Read and validate an applicant file; any problem is a ``UsageError`` naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read applicant file {str(path)!r}: {exc.strerror}") from exc
    return parse_applicant_lines(data, source=str(path))


def parse_applicant_lines(data: bytes, source: str = "input") -> list[bytes]:
    """Ids from ``data``, one per line; blank lines and surrounding whitespace are ignored.

    Clean input (only id characters and newlines) takes a vectorised path, which matters for
    lists of millions; anything else is checked line by line so the error can name the line.
    """
    if _ID_BYTES[np.frombuffer(data, dtype=np.uint8)].all():
        ids = [line for line in data.split(b"\n") if line]
        if not ids or max(map(len, ids)) <= 64:
            return ids
    return _parse_slowly(data, source)


def _parse_slowly(data: bytes, source: str) -> list[bytes]:
    ids = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        text = stripped.decode("ascii", errors="replace")
        if not ID_PATTERN.fullmatch(text) or not stripped.isascii():
            raise UsageError(
                f"{source} line {number}: {text[:80]!r} is not a valid applicant id"
                " (1 to 64 characters of A-Z a-z 0-9 _ -)"
            )
        ids.append(stripped)
    return ids
