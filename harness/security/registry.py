"""The registry of security checks: one small registered check per concern (S-01..S-09).

A check is a function ``(ctx, report) -> None`` registered with ``@check(requirement, name)``; it
adds findings, measurements and evidence to the ``ProbeReport`` it is given and never decides the
verdict. ``harness.security.verdicts`` turns a report into the requirement's result, so every
check is judged by one rule. Modules register their checks when ``harness.security.probes`` is
imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.results import Finding, Measurement, Message

if TYPE_CHECKING:
    from harness.security.context import ProbeContext

__all__ = ["Check", "ProbeReport", "check", "registered_checks"]


@dataclass
class ProbeReport:
    """What one check found. ``not_assessed`` lists parts it could not assess (with why);
    ``inconclusive`` is set when the part it could assess does not suffice for a verdict."""

    requirement: str
    findings: list[Finding] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    not_assessed: list[Message] = field(default_factory=list)
    inconclusive: Message | None = None
    not_applicable: Message | None = None

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def measure(self, name: str, value: float | int | None, unit: str = "1") -> None:
        self.measurements.append(Measurement(name, value, unit))


CheckFunction = Callable[["ProbeContext", ProbeReport], None]


@dataclass(frozen=True)
class Check:
    requirement: str
    name: str
    run: CheckFunction


_CHECKS: dict[str, Check] = {}


def check(requirement: str, name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: register the function as the check of ``requirement`` (one per requirement)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if requirement in _CHECKS and _CHECKS[requirement].run is not function:
            raise ValueError(f"{requirement} already has the check {_CHECKS[requirement].name!r}")
        _CHECKS[requirement] = Check(requirement, name, function)
        return function

    return decorate


def registered_checks() -> dict[str, Check]:
    """Every registered check by requirement id (importing the probe modules first)."""
    import harness.security.probes  # noqa: F401 - registers the checks

    return dict(_CHECKS)
