"""evidence.json: everything a run measured, enough to re-render every report and rerun it.

The evidence holds the run seed and id, the profile as resolved, the harness's version and the
exact versions of its installed dependencies, the target's identity (its ``/healthz``), the
timestamps and every suite's result. Report writers (``harness.report``) read nothing else.
"""

from __future__ import annotations

import importlib.metadata as metadata
import platform
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from harness import __version__
from harness.catalogue import catalogue
from harness.errors import UsageError
from harness.jsonable import dumps, jsonable
from harness.profiles import Profile
from harness.results import SuiteResult
from harness.seeds import RunSeed

__all__ = ["EVIDENCE_FILE", "SCHEMA_VERSION", "build_evidence", "harness_versions",
           "write_evidence"]

SCHEMA_VERSION = 1
EVIDENCE_FILE = "evidence.json"
_DISTRIBUTION = "allocation-harness"
_REQUIREMENT = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"extra\s*==\s*['\"]([^'\"]+)['\"]")


@cache
def harness_versions() -> dict[str, Any]:
    """The harness's version, Python's, and every installed runtime dependency's exact version
    (the closure of the distribution's requirements, with the extras they ask for)."""
    found: dict[str, str] = {}
    pending: list[tuple[str, frozenset[str]]] = [(_DISTRIBUTION, frozenset())]
    visited: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        for line in metadata.requires(name) or []:
            match = _REQUIREMENT.match(line)
            extra = _EXTRA.search(line)
            if match is None or (extra is not None and extra.group(1) not in extras):
                continue
            dependency = match.group(1).lower().replace("_", "-")
            wanted = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
            try:
                found[dependency] = metadata.version(dependency)
            except metadata.PackageNotFoundError:
                continue  # a dependency for another platform
            pending.append((dependency, wanted))
    return {
        "harness": __version__,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "dependencies": dict(sorted(found.items())),
    }


def build_evidence(
    *,
    scope: str,
    seed: RunSeed,
    profile: Profile,
    target: Mapping[str, Any],
    suites: Sequence[SuiteResult],
    started_at: str,
    finished_at: str,
    laboratory: Mapping[str, Any] | None = None,
    validation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The evidence document of a run whose ``scope`` is one suite's name or ``certification``
    (which also carries ``validation``: the method's validation record, or why there is none)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "scope": scope,
        "run": {
            "run_id": seed.run_id,
            "seed": seed.hex,
            "run_part": seed.run_part,
            "started_at": started_at,
            "finished_at": finished_at,
        },
        "harness": harness_versions(),
        "profile": profile.to_dict(),
        "target": jsonable(target),
        "laboratory": dict(laboratory or {"name": None, "authorised_by": None}),
        "catalogue": {rid: item.to_dict() for rid, item in catalogue().items()},
        "suites": [suite.to_dict() for suite in suites],
    }
    if validation is not None:
        document["validation"] = jsonable(validation)
    return document


def write_evidence(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    """Write ``evidence.json`` into ``out_dir`` (created if needed)."""
    path = out_dir / EVIDENCE_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(evidence), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
