"""A broken invariant: which requirement, what was expected, what the system answered.

Each requirement has its own exception class and every violation is raised from one place, so
hypothesis tells the requirements apart (it separates failures by exception type and location)
and shrinks a failing example for each requirement on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.jsonable import jsonable

__all__ = ["REQUIREMENTS", "Broken", "Violation", "broken_class", "raise_violation"]

REQUIREMENTS = ("I-01", "I-02", "I-03", "I-04", "I-05", "I-06")


@dataclass(frozen=True)
class Violation:
    """``text`` is the English sentence; ``message_id`` and ``params`` let a report translate
    it. ``exchange`` is the number of the request whose answer shows the violation."""

    requirement: str
    message_id: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    exchange: int | None = None

    @classmethod
    def of(
        cls, requirement: str, message_id: str, template: str, exchange: int | None = None,
        **params: Any,
    ) -> Violation:
        return cls(requirement, message_id, template.format(**params), params, exchange)

    def message(self) -> dict[str, Any]:
        """This violation as a message of the evidence (id, params, English text)."""
        return {"id": self.message_id, "params": jsonable(self.params), "text": self.text}

    def to_dict(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "message_id": self.message_id,
                "text": self.text, "params": self.params, "exchange": self.exchange}


class Broken(AssertionError):
    """Raised when an example shows a violation; subclassed once per requirement."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(f"{violation.requirement}: {violation.text}")
        self.violation = violation


_CLASSES: dict[str, type[Broken]] = {
    rid: type(f"Broken_{rid.replace('-', '_')}", (Broken,), {}) for rid in REQUIREMENTS
}


def broken_class(requirement: str) -> type[Broken]:
    return _CLASSES[requirement]


def raise_violation(violation: Violation) -> None:
    """The single place violations are raised (see the module docstring)."""
    raise _CLASSES[violation.requirement](violation)
