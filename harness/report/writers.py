"""The registry of report writers: one handler per format, each reading evidence only.

A writer is ``(evidence, out_dir) -> Path``; it registers under the file it writes. The formats
still to come (report.html, junit.xml, results.sarif, summary.md) register here the same way and
are imported by ``harness.report``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Writer", "registered_writers", "report_writer"]

Writer = Callable[[Mapping[str, Any], Path], Path]
_WRITERS: dict[str, Writer] = {}


def report_writer(filename: str) -> Callable[[Writer], Writer]:
    """Decorator: register a writer for ``filename``."""

    def decorate(writer: Writer) -> Writer:
        _WRITERS[filename] = writer
        return writer

    return decorate


def registered_writers() -> dict[str, Writer]:
    return dict(_WRITERS)
