"""Exceptions that the command line turns into one-line messages and exit codes.

``TargetError`` and its subclasses are the one family a suite catches when a system under test
misbehaves; each carries the evidence of the exchange (never a token) so that the suite can turn
it into an INCONCLUSIVE or FAIL finding instead of a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "HarnessError",
    "TargetError",
    "TargetProtocolError",
    "TargetTimeout",
    "TargetUnreachable",
    "UsageError",
]


class HarnessError(Exception):
    """Base of the harness's own errors; the message is meant for a person."""


class UsageError(HarnessError):
    """Bad options, files or values supplied by the user (exit code 2)."""


class TargetError(HarnessError):
    """The system under test did not answer as the contract requires.

    ``method`` and ``path`` name the request, ``status`` the answer's status code (None when no
    answer came), ``excerpt`` the start of the answer's body with tokens redacted, ``elapsed`` the
    seconds from sending to the failure. All but the message are optional, so code outside the
    adapter may raise a plain ``TargetError(message)``.
    """

    kind = "target_error"

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        excerpt: str | None = None,
        elapsed: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.excerpt = excerpt
        self.elapsed = elapsed

    def evidence(self) -> dict[str, Any]:
        """The facts of the failed exchange as a JSON-ready dict (for findings and evidence)."""
        return {
            "kind": self.kind,
            "message": self.message,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "excerpt": self.excerpt,
            "elapsed_s": None if self.elapsed is None else round(self.elapsed, 6),
        }


class TargetUnreachable(TargetError):
    """No connection could be made: refused, closed port, unknown host, connect timeout."""

    kind = "unreachable"


class TargetTimeout(TargetError):
    """The call's total deadline passed before the whole answer arrived."""

    kind = "timeout"


class TargetProtocolError(TargetError):
    """An answer came but is not what the contract promises: wrong status, not JSON, wrong
    shape, wrong byte count, too large, or a connection broken in the middle of the exchange."""

    kind = "protocol"
