"""What a suite returns: requirement results made of measurements, findings and evidence.

All result types are frozen dataclasses with ``to_dict()``; text meant for people is a
``Message`` (a message id plus parameters, the English text beside them) so that a report can be
rendered in another language from the same evidence (DESIGN.md section 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from harness.catalogue import requirement
from harness.jsonable import jsonable
from harness.verdict import Verdict

__all__ = [
    "Finding",
    "Measurement",
    "Message",
    "RequirementResult",
    "Severity",
    "SuiteResult",
]


@dataclass(frozen=True)
class Message:
    """Text for people: ``id`` names the sentence, ``params`` fill it, ``text`` is the English."""

    id: str
    params: Mapping[str, Any]
    text: str

    @classmethod
    def of(cls, message_id: str, template: str, **params: Any) -> Message:
        """Format the English ``template`` with ``params`` (``str.format`` fields). A parameter
        that is itself a ``Message`` fills the English with its text and is kept whole (id,
        params, text), so that a report in another language can render it in that language."""
        clean = {key: jsonable(value) for key, value in params.items()}
        english = {key: value.text if isinstance(value, Message) else clean[key]
                   for key, value in params.items()}
        return cls(message_id, MappingProxyType(clean), template.format(**english))

    @classmethod
    def given(cls, message_id: str, text: str, params: Mapping[str, Any] | None = None
              ) -> Message:
        """A message whose English text is already written (e.g. by a statistics module)."""
        clean = {key: jsonable(value) for key, value in (params or {}).items()}
        return cls(message_id, MappingProxyType(clean), text)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "params": dict(self.params), "text": self.text}


@dataclass(frozen=True)
class Measurement:
    """A named number with its unit (``"1"`` for a pure number such as a p-value)."""

    name: str
    value: float | int | None
    unit: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": jsonable(self.value), "unit": self.unit}


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One observed problem with the evidence that proves it and what to do about it."""

    severity: Severity
    message: Message
    remediation: Message
    evidence: Mapping[str, Any] = field(default_factory=dict)
    cwe: int | None = None
    location: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "message": self.message.to_dict(),
            "remediation": self.remediation.to_dict(),
            "evidence": jsonable(self.evidence),
            "cwe": self.cwe,
            "location": self.location,
        }


@dataclass(frozen=True)
class RequirementResult:
    """The verdict on one catalogue requirement, with everything it rests on."""

    id: str
    title: str
    verdict: Verdict
    summary: Message
    measurements: tuple[Measurement, ...] = ()
    findings: tuple[Finding, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        requirement_id: str,
        verdict: Verdict,
        summary: Message,
        *,
        measurements: tuple[Measurement, ...] = (),
        findings: tuple[Finding, ...] = (),
        evidence: Mapping[str, Any] | None = None,
    ) -> RequirementResult:
        """A result titled from the catalogue (KeyError for an unknown id)."""
        title = requirement(requirement_id).title
        return cls(requirement_id, title, verdict, summary, measurements, findings,
                   dict(evidence or {}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "verdict": self.verdict.value,
            "summary": self.summary.to_dict(),
            "measurements": [m.to_dict() for m in self.measurements],
            "findings": [f.to_dict() for f in self.findings],
            "evidence": jsonable(self.evidence),
        }


@dataclass(frozen=True)
class SuiteResult:
    """One suite's run: a result per requirement it assesses, and the suite-wide evidence."""

    suite: str
    requirements: tuple[RequirementResult, ...]
    started_at: str
    finished_at: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def verdicts(self) -> dict[str, Verdict]:
        return {r.id: r.verdict for r in self.requirements}

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "requirements": [r.to_dict() for r in self.requirements],
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "evidence": jsonable(self.evidence),
        }
