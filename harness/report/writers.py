"""The registry of report writers: one handler per format, each reading evidence only.

A writer is ``(evidence, out_dir) -> Path`` and registers under the file it writes. A writer of
text for people (report.html, summary.md) registers with ``localised=True`` and takes the report
language as a third argument; the machine-readable formats are language-neutral and never see it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Writer", "is_localised", "registered_writers", "report_writer"]

Writer = Callable[..., Path]
_WRITERS: dict[str, Writer] = {}
_LOCALISED: set[str] = set()


def report_writer(filename: str, *, localised: bool = False) -> Callable[[Writer], Writer]:
    """Decorator: register a writer for ``filename`` (``localised``: it takes a language)."""

    def decorate(writer: Writer) -> Writer:
        _WRITERS[filename] = writer
        if localised:
            _LOCALISED.add(filename)
        return writer

    return decorate


def registered_writers() -> dict[str, Writer]:
    return dict(_WRITERS)


def is_localised(filename: str) -> bool:
    """Whether the writer of ``filename`` writes text in the report's language."""
    return filename in _LOCALISED


def write_one(filename: str, evidence: Mapping[str, Any], out_dir: Path, lang: str) -> Path:
    """Run the writer of ``filename``, giving the language to a localised one."""
    writer = _WRITERS[filename]
    return writer(evidence, out_dir, lang) if is_localised(filename) else writer(evidence, out_dir)
