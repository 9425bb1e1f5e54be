"""The source a faulty target hands to the static scan (S-09): the reference plus its modifier.

A faulty target is the reference with one defect's modifier applied, so its source is a copy of
``targets/reference/`` and the defect's module under ``targets/faulty/``, together with the
modules of ``targets/faulty/`` that the modifier imports (a helper shared by several defects, such
as the deposit steps), followed through their own imports. Nothing else of the faulty mechanism
(the catalogue, the ``Defect`` record) is part of the system under test, so nothing else is
copied.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

__all__ = ["faulty_source", "modules_used"]

_PACKAGE = "targets.faulty"
_MECHANISM = {"__init__", "__main__", "defect"}  # the harness's side of a defect, not the system


def _imported(path: Path) -> set[str]:
    """Names of the ``targets.faulty`` modules that the module at ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.removeprefix(_PACKAGE + ".") for alias in node.names
                         if alias.name.startswith(_PACKAGE + "."))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1:  # ``from . import x`` / ``from .x import y`` inside the package
                module = f"{_PACKAGE}.{module}" if module else _PACKAGE
            if module == _PACKAGE:
                found.update(alias.name for alias in node.names)
            elif module.startswith(_PACKAGE + "."):
                found.add(module.removeprefix(_PACKAGE + ".").split(".")[0])
    return found


def modules_used(modifier: Path) -> list[Path]:
    """The modifier's file and every module of its package it imports, directly or through
    another such module (the mechanism's own modules excepted), in a stable order."""
    folder = modifier.parent
    seen: dict[str, Path] = {modifier.stem: modifier}
    pending = [modifier]
    while pending:
        for name in sorted(_imported(pending.pop())):
            path = folder / f"{name}.py"
            if name in _MECHANISM or name in seen or not path.is_file():
                continue
            seen[name] = path
            pending.append(path)
    return sorted(seen.values())


def faulty_source(package: Path, modifier: Path | None, work: Path) -> Path:
    """Assemble ``work/source`` from the ``targets`` package folder and the defect's modifier."""
    source = work / "source"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(package / "reference", source / "targets" / "reference",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (source / "targets" / "faulty").mkdir(parents=True)
    for path in modules_used(modifier) if modifier is not None else []:
        shutil.copy2(path, source / "targets" / "faulty" / path.name)
    return source
