"""The one way this system says no: an error code, a status and a sentence for a person."""

from __future__ import annotations

__all__ = ["Refusal"]

_REASONS = {
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    408: "408 Request Timeout",
    409: "409 Conflict",
    413: "413 Content Too Large",
    422: "422 Unprocessable Content",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}


class Refusal(Exception):
    """Raised anywhere below the web layer; rendered as ``{"error", "message"}``."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    @property
    def status_line(self) -> str:
        return _REASONS.get(self.status, f"{self.status} Error")
