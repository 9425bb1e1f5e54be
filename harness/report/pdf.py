"""report.pdf: report.html printed through WeasyPrint, the optional ``pdf`` extra.

Not a registered writer: it needs a package the harness does not require, so ``harness report
--pdf`` asks for it explicitly and says how to install it when it is missing. The PDF is printed
from the report.html just written in the run's language (``harness report --lang``): its ``lang``
and ``dir`` attributes, the Persian report's embedded font, its logical CSS properties and its
``@page`` rules (running header, page numbers in the language's numerals) carry through.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from harness.errors import UsageError

__all__ = ["PDF_FILE", "check_pdf_available", "write_pdf"]

PDF_FILE = "report.pdf"
_HINT = "install it with: pip install 'allocation-harness[pdf]'"


def check_pdf_available() -> None:
    """A usage error naming the extra when WeasyPrint is not installed, or naming the system
    libraries when it is installed but cannot load them (it needs Pango)."""
    _weasyprint()


def _weasyprint() -> ModuleType:
    try:
        return importlib.import_module("weasyprint")
    except ImportError:
        raise UsageError(f"--pdf needs WeasyPrint (the optional 'pdf' extra); {_HINT}") from None
    except OSError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"--pdf: WeasyPrint is installed but cannot load its system libraries"
                         f" (it needs Pango): {first}") from None


def write_pdf(out_dir: Path, lang: str | None = None) -> Path:
    """Print ``out_dir/report.html`` to ``out_dir/report.pdf``; given ``lang``, refuse a
    report.html written in another language (the PDF must be the report that was asked for)."""
    weasyprint = _weasyprint()
    target = out_dir / PDF_FILE
    source = out_dir / "report.html"
    if lang is not None and f'<html lang="{lang}"' not in source.read_text(encoding="utf-8")[:400]:
        raise UsageError(f"{source} is not the {lang!r} report; render it with --lang {lang}")
    try:
        weasyprint.HTML(filename=str(source)).write_pdf(str(target))
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
