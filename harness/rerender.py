"""``harness report``: every artifact of an output folder re-rendered from evidence.json alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.evidence import EVIDENCE_FILE
from harness.integrity import load_private_key, write_manifest
from harness.report import scope_verdict
from harness.report.pdf import check_pdf_available, write_pdf
from harness.run import write_outputs
from harness.verdict import Verdict

__all__ = ["read_evidence", "rerender"]


def read_evidence(path: Path) -> dict[str, Any]:
    """The evidence document in ``path``; a usage error naming what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not JSON ({exc})") from None
    needed = ("scope", "run", "profile", "catalogue", "suites", "target", "harness")
    if not isinstance(document, dict) or any(key not in document for key in needed):
        raise UsageError(f"{path} is not a harness evidence file (it lacks {', '.join(needed)})")
    return document


def rerender(evidence_path: Path, out: Path | None, sign_key: Path | None,
             pdf: bool = False, lang: str = "en") -> tuple[Verdict, Path]:
    """Write every artifact into ``out`` (default: the evidence's own folder), the text for
    people in ``lang``; with ``pdf``, report.pdf too (listed in the manifest like the others).
    evidence.json is written back byte for byte as the same document, whatever the language."""
    if pdf:
        check_pdf_available()
    evidence = read_evidence(evidence_path)
    key = load_private_key(sign_key) if sign_key else None
    out_dir = out or evidence_path.parent
    verdict = scope_verdict(evidence)
    if out_dir.resolve() == evidence_path.parent.resolve() and evidence_path.name != EVIDENCE_FILE:
        raise UsageError(f"{evidence_path.name} would sit beside a new {EVIDENCE_FILE}; give --out")
    write_outputs(evidence, out_dir, key, lang)
    if pdf:
        write_pdf(out_dir, lang)
        write_manifest(out_dir, key)
    return verdict, out_dir
