"""Renders evidence into report.json (and, as they are written, HTML, JUnit, SARIF, Markdown).

Each format is one writer registered in ``harness.report.writers``; importing a format's module
registers it. ``write_reports`` runs every registered writer over the evidence alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, UsageError
from harness.report import (
    html,  # noqa: F401 - registers report.html
    json_report,  # noqa: F401 - registers report.json
    junit,  # noqa: F401 - registers junit.xml
    sarif,  # noqa: F401 - registers results.sarif
    summary_md,  # noqa: F401 - registers summary.md
)
from harness.report.i18n import LANGUAGES
from harness.report.json_report import build_report, scope_verdict
from harness.report.writers import registered_writers, report_writer, write_one

__all__ = ["LANGUAGES", "build_report", "report_writer", "scope_verdict", "write_reports"]


def write_reports(evidence: Mapping[str, Any], out_dir: Path, lang: str = "en") -> list[Path]:
    """Every registered format, written into ``out_dir``; the text for people in ``lang``. A
    writer that breaks does not stop the others; the run then ends with one line naming it (the
    evidence is already written)."""
    if lang not in LANGUAGES:
        raise UsageError(f"--lang {lang!r}: choose one of {', '.join(LANGUAGES)}")
    written = []
    broken = []
    for filename in sorted(registered_writers()):
        try:
            written.append(write_one(filename, evidence, out_dir, lang))
        except OSError as exc:
            raise UsageError(f"cannot write {out_dir / filename}: {exc.strerror or exc}") from None
        except UsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - one format's bug must not lose the others
            broken.append(f"{filename} ({type(exc).__name__}: {exc})")
    if broken:
        raise HarnessError("report writers failed, the other files were written: "
                           + "; ".join(broken))
    return written
