"""Credentials and randomness: tokens, identifiers, server seeds, bearer parsing.

Every secret comes from ``secrets`` (the operating system's CSPRNG). Applicant tokens carry 256
random bits and are stored only as SHA-256 hashes, so a copy of the database grants no access.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = [
    "MAX_TOKEN_CHARS",
    "bearer_token",
    "hash_token",
    "is_operator",
    "new_applicant_id",
    "new_deposit_id",
    "new_server_seed",
    "new_token",
    "server_seeds",
]

MAX_TOKEN_CHARS = 512


def new_token() -> str:
    """An applicant token: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token; tokens are high-entropy, so an unsalted hash suffices."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_applicant_id() -> str:
    """A random id of 16 characters from ``[A-Za-z0-9_-]`` (96 bits).

    Random, not sequential, so that nothing in the canonical order (and hence the draw) relates to
    the order or time of registration.
    """
    return secrets.token_urlsafe(12)


def new_deposit_id() -> str:
    return "dep_" + secrets.token_urlsafe(12)


def new_server_seed() -> bytes:
    """The commit's 32-byte server seed; the lab endpoint draws from this same source."""
    return secrets.token_bytes(32)


def server_seeds(count: int) -> bytes:
    return b"".join(new_server_seed() for _ in range(count))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None when absent or malformed."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return token


def is_operator(token: str | None, admin_token: str) -> bool:
    """Constant-time comparison, so response timing does not reveal a prefix of the token."""
    if token is None:
        return False
    return hmac.compare_digest(token.encode("utf-8", "surrogatepass"), admin_token.encode("utf-8"))
