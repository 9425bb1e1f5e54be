"""The requirement catalogue of ACP-1 (DESIGN.md section 5), read once from package data.

``harness/catalogue.yaml`` is the single list of requirement ids, their titles and the suite that
assesses each; suites, profiles and reports all look requirements up here rather than keeping
their own copies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import yaml

__all__ = ["SUITES", "Requirement", "catalogue", "requirement", "requirements_of"]

SUITES = ("fairness", "invariants", "load", "security")
_ID = re.compile(r"[FILS]-\d\d")


@dataclass(frozen=True)
class Requirement:
    """One requirement of ACP-1: its id (``F-01``), one-line title and assessing suite, why it
    matters, the standards clauses it reflects and the threshold it is judged by (in words)."""

    id: str
    title: str
    suite: str
    rationale: str = ""
    standards: tuple[str, ...] = ()
    thresholds: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "suite": self.suite, "rationale": self.rationale,
                "standards": list(self.standards), "thresholds": self.thresholds}


@cache
def catalogue() -> Mapping[str, Requirement]:
    """Every requirement by id, in catalogue order; read from the package once per process."""
    text = resources.files("harness").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["requirements"]
    table: dict[str, Requirement] = {}
    for entry in entries:
        item = Requirement(id=entry["id"], title=entry["title"], suite=entry["suite"],
                           rationale=entry.get("rationale", ""),
                           standards=tuple(entry.get("standards", ())),
                           thresholds=entry.get("thresholds", ""))
        if not _ID.fullmatch(item.id) or item.id in table or item.suite not in SUITES:
            raise ValueError(f"catalogue.yaml: bad or repeated entry {entry!r}")
        table[item.id] = item
    return MappingProxyType(table)


def requirement(requirement_id: str) -> Requirement:
    """The requirement with this id; KeyError for an id the catalogue does not hold."""
    return catalogue()[requirement_id]


def requirements_of(suite: str) -> tuple[str, ...]:
    """The ids a suite assesses, in catalogue order."""
    return tuple(r.id for r in catalogue().values() if r.suite == suite)
