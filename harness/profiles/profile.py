"""Profiles: every number a suite uses, as YAML data (DESIGN.md sections 7 and 8).

``quick`` and ``full`` ship in this package. A user's file names what it ``extends`` (``quick``
when absent) and overlays it key by key: mappings merge, other values replace; its ``mandatory``
and ``optional`` lists move requirements between the two. A section exists for each registered
suite and is read into that suite's dataclass; a suite not built yet has no section to set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from harness.catalogue import SUITES, catalogue
from harness.errors import UsageError
from harness.jsonable import jsonable
from harness.profiles.schema import build_section, nearest, unknown_key
from harness.suites import available_suites

__all__ = ["BUILTIN_PROFILES", "Profile", "load_profile"]

BUILTIN_PROFILES = ("quick", "full")
_TOP_KEYS = ("name", "extends", "description", "false_alarm_rate", "mandatory", "optional",
             "assess")


@dataclass(frozen=True)
class Profile:
    """A resolved profile: metadata, the requirement split and one settings object per suite."""

    name: str
    extends: str | None
    source: str
    source_sha256: str
    description: str
    false_alarm_rate: float
    mandatory: tuple[str, ...]
    optional: tuple[str, ...]
    sections: Mapping[str, Any]
    overrides: Mapping[str, Any] = field(default_factory=dict)  # from the command line
    # The requirements a run assesses; empty: all of them. The others are NOT_APPLICABLE and
    # suites skip the work that serves only them (harness validate uses this for defects).
    assess: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    layers: tuple[Mapping[str, Any], ...] = field(default=(), repr=False, compare=False)

    def section(self, suite: str) -> Any:
        """The settings of ``suite`` (its registered dataclass)."""
        return self.sections[suite]

    def assesses(self, rid: str) -> bool:
        """Whether a run under this profile assesses requirement ``rid``."""
        return not self.assess or rid in self.assess

    def to_dict(self) -> dict[str, Any]:
        """The profile as resolved, for evidence.json."""
        return {
            "name": self.name, "extends": self.extends, "source": self.source,
            "source_sha256": self.source_sha256, "description": self.description,
            "false_alarm_rate": self.false_alarm_rate, "mandatory": list(self.mandatory),
            "optional": list(self.optional), "assess": list(self.assess),
            "overrides": jsonable(self.overrides),
            "sections": {name: jsonable(value) for name, value in self.sections.items()},
        }


def _builtin_text(name: str) -> str:
    return resources.files("harness.profiles").joinpath(f"{name}.yaml").read_text("utf-8")


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"profile {where}{line}: not valid YAML") from None
    if not isinstance(data, dict):
        raise UsageError(f"profile {where}: must be a YAML mapping of keys to values")
    for key in data:
        if key not in _TOP_KEYS and key not in SUITES:
            raise unknown_key("", str(key), _TOP_KEYS + SUITES)
    return data


def _overlay(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def _nested(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``{"load.users": 5}`` -> ``{"load": {"users": 5}}``."""
    tree: dict[str, Any] = {}
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def load_profile(spec: str, overrides: Mapping[str, Any] | None = None) -> Profile:
    """``quick``, ``full`` or the path of a YAML file; any problem is a one-line UsageError.

    ``overrides`` (dotted keys such as ``load.users``) come from a command's own options and
    win over the file (command line > profile file > built-in profile); they are validated and
    recorded like the rest.
    """
    profile = _load(spec)
    if not overrides:
        return profile
    for dotted in overrides:
        if dotted.split(".")[0] not in SUITES:
            raise UsageError(f"profile override {dotted!r}: only suite sections can be overridden")
    data = _overlay(profile.raw, _nested(overrides))
    return _resolve(data, profile.layers, profile.name, profile.source, profile.extends,
                    profile.source_sha256, dict(overrides))


def _load(spec: str) -> Profile:
    if spec in BUILTIN_PROFILES:
        text = _builtin_text(spec)
        data = _parse(text, spec)
        layers: list[Mapping[str, Any]] = [data]
        source, extends, name = f"builtin:{spec}", None, spec
    else:
        try:
            text = Path(spec).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise UsageError(
                f"--profile {spec!r}: not quick or full, and not a readable file ({reason})"
            ) from None
        top = _parse(text, spec)
        extends = top.get("extends", "quick")
        if extends not in BUILTIN_PROFILES:
            raise UsageError(f"profile: 'extends' must be quick or full, got {extends!r}")
        base = _parse(_builtin_text(extends), extends)
        data, layers = _overlay(base, top), [base, top]
        source, name = spec, str(top.get("name") or Path(spec).stem)
    return _resolve(data, layers, name, source, extends, hashlib.sha256(text.encode()).hexdigest())


def _requirement_ids(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"profile: {key!r} must be a list of requirement ids such as F-01")
    for rid in value:
        if rid not in catalogue():
            guess = nearest(rid, catalogue())
            hint = f" (did you mean {guess!r}?)" if guess else ""
            raise UsageError(f"profile: {key!r} names {rid!r}, not a requirement of ACP-1{hint}")
    return value


def _split(layers: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Apply each layer's mandatory/optional lists in turn; every requirement ends in one."""
    mandatory: set[str] = set()
    optional: set[str] = set()
    for layer in layers:
        moved_in = set(_requirement_ids(layer, "mandatory"))
        moved_out = set(_requirement_ids(layer, "optional"))
        both = sorted(moved_in & moved_out)
        if both:
            raise UsageError(f"profile: {both[0]} is listed as both mandatory and optional")
        mandatory = (mandatory - moved_out) | moved_in
        optional = (optional - moved_in) | moved_out
    unplaced = [rid for rid in catalogue() if rid not in mandatory | optional]
    if unplaced:
        raise UsageError(f"profile: {unplaced[0]} is neither mandatory nor optional")
    order = list(catalogue())
    return tuple(sorted(mandatory, key=order.index)), tuple(sorted(optional, key=order.index))


def _resolve(
    data: Mapping[str, Any], layers: Sequence[Mapping[str, Any]], name: str, source: str,
    extends: str | None, digest: str, overrides: Mapping[str, Any] | None = None,
) -> Profile:
    mandatory, optional = _split(layers)
    assess = _requirement_ids(data, "assess")
    sections: dict[str, Any] = {}
    registered = available_suites()
    for suite in SUITES:
        if suite in data and suite not in registered:
            raise UsageError(
                f"profile: unknown key {suite!r}: the {suite} suite is not built in this version,"
                " so its section cannot be set yet"
            )
        if suite in registered:
            sections[suite] = build_section(registered[suite].settings, data.get(suite, {}), suite)
    rate = data.get("false_alarm_rate")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1:
        raise UsageError(f"profile: 'false_alarm_rate' must be a number above 0 and at most 1,"
                         f" got {rate!r}")
    _check_false_alarm_rate(float(rate), sections)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise UsageError("profile: 'description' must be a string")
    return Profile(
        name=name,
        extends=extends, source=source, source_sha256=digest, description=description,
        false_alarm_rate=float(rate), mandatory=mandatory, optional=optional,
        assess=tuple(rid for rid in catalogue() if rid in assess),
        sections=MappingProxyType(sections), overrides=MappingProxyType(dict(overrides or {})),
        raw=MappingProxyType(dict(data)), layers=tuple(layers),
    )


def _check_false_alarm_rate(stated: float, sections: Mapping[str, Any]) -> None:
    """The stated rate must cover the union bound of each section's own family-wise rate."""
    parts = {
        name: float(section.false_alarm_bound())
        for name, section in sections.items()
        if hasattr(section, "false_alarm_bound")
    }
    implied = sum(parts.values())
    if stated < implied * (1 - 1e-9):
        detail = ", ".join(f"{name} {value:g}" for name, value in parts.items())
        raise UsageError(
            f"profile: 'false_alarm_rate' {stated:g} is below {implied:g}, the rate its"
            f" statistical sections imply ({detail}); raise it, or lower the sections' alpha or"
            " raise load's confidence"
        )
