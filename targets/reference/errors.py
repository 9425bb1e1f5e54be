"""The contract's error shape: every failure is ``{"error": code, "message": text}``."""

from __future__ import annotations

__all__ = ["ApiError", "bad_request", "conflict", "forbidden", "not_found", "unauthorized"]


class ApiError(Exception):
    """A decision of the contract that ends a request with an error status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


def unauthorized(message: str = "a valid bearer token is required") -> ApiError:
    return ApiError(401, "unauthorized", message)


def forbidden(message: str, code: str = "forbidden") -> ApiError:
    return ApiError(403, code, message)


def not_found(message: str = "no such resource") -> ApiError:
    return ApiError(404, "not_found", message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def bad_request(message: str, code: str = "invalid_request") -> ApiError:
    """422 ``invalid_request`` (or another 422 code): the body does not fit the contract."""
    return ApiError(422, code, message)
