"""Argument types shared by the subcommands: their errors read as one plain sentence."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

__all__ = ["http_url", "non_negative_int", "positive_int"]


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def non_negative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; it must be 0 or more")
    return value


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def http_url(text: str) -> str:
    """An http:// or https:// URL of printable ASCII with a host (a system's base URL)."""
    problem = f"{text[:80]!r} is not an http:// or https:// URL"
    if not text.isascii() or not text.isprintable() or " " in text:
        raise argparse.ArgumentTypeError(problem)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number 0-65535)
    except ValueError:
        raise argparse.ArgumentTypeError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(problem)
    return text
