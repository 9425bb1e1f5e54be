"""Renders evidence into report.json (and, as they are written, HTML, JUnit, SARIF, Markdown).

Each format is one writer registered in ``harness.report.writers``; importing a format's module
registers it. ``write_reports`` runs every registered writer over the evidence alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.report import (
    html,  # noqa: F401 - registers report.html
    json_report,  # noqa: F401 - registers report.json
    junit,  # noqa: F401 - registers junit.xml
    sarif,  # noqa: F401 - registers results.sarif
    summary_md,  # noqa: F401 - registers summary.md
)
from harness.report.json_report import build_report, scope_verdict
from harness.report.writers import registered_writers, report_writer

__all__ = ["build_report", "report_writer", "scope_verdict", "write_reports"]


def write_reports(evidence: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Every registered format, written into ``out_dir``."""
    written = []
    for filename, writer in sorted(registered_writers().items()):
        try:
            written.append(writer(evidence, out_dir))
        except OSError as exc:
            raise UsageError(f"cannot write {out_dir / filename}: {exc.strerror or exc}") from None
    return written
