"""Timestamps: RFC 3339 in UTC with milliseconds, always written the same way."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now_text"]


def now_text() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
