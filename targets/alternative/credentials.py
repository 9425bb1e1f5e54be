"""Identifiers and tokens this system issues, and reading the bearer token of a request.

Applicant ids are ``ap_`` and 26 base32 characters (128 random bits): nothing in them reflects
when or in what order people registered, which matters because the draw starts from the ids in
sorted order. Tokens are ``alt.`` and 64 URL-safe characters (384 random bits); only their SHA-256
is stored. Deposit ids are ``pay-`` and 20 base32 characters.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

__all__ = [
    "bearer_token",
    "new_applicant_id",
    "new_deposit_id",
    "new_server_seed",
    "new_token",
    "token_digest",
]

_MAX_TOKEN = 512


def _base32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def new_applicant_id() -> str:
    return "ap_" + _base32(secrets.token_bytes(16))


def new_deposit_id() -> str:
    return "pay-" + _base32(secrets.token_bytes(12))[:20]


def new_token() -> str:
    return "alt." + secrets.token_urlsafe(48)


def new_server_seed() -> bytes:
    """The one generator of server seeds: commit and the lab endpoint both call this."""
    return secrets.token_bytes(32)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None when there is none usable."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > _MAX_TOKEN:
        return None
    return token
