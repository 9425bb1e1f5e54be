"""Settings of one reference-system instance, fixed when the process starts."""

from __future__ import annotations

from dataclasses import dataclass, field

from targets.reference import __version__

__all__ = ["DEFAULT_DATABASE_URL", "MAX_BODY_BYTES", "Limits", "Settings"]

# A file next to where the service is started: survives restarts (L-04) and needs no server.
DEFAULT_DATABASE_URL = "sqlite:///reference.db"
# ASTI-1 section 4: request bodies are limited to 1 MiB.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one client may hold of the server before it is dropped (OWASP API4:2023).

    ``header_timeout``: seconds from a connection's opening (or a later request's first byte)
    until its request headers are complete; ``body_timeout``: seconds from the headers until the
    whole body has arrived; ``body_budget``: bytes of request bodies the server holds across all
    connections (each from its first byte until its request ends); ``max_connections``: open
    connections before requests get 503.
    """

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    body_budget: int = 64 * 1024 * 1024
    max_connections: int = 1000

    def __post_init__(self) -> None:
        for name in ("header_timeout", "body_timeout"):
            if not 0 < getattr(self, name) <= 3600:
                raise ValueError(f"{name.replace('_', '-')} must be more than 0 and at most 3600 s")
        if self.body_budget < 2 * MAX_BODY_BYTES:
            raise ValueError(f"the body budget must be at least {2 * MAX_BODY_BYTES} bytes "
                             "(two request bodies of the largest size)")
        if self.max_connections < 1:
            raise ValueError("max-connections must be at least 1")


@dataclass(frozen=True)
class Settings:
    """What an operator chooses at start-up; everything else is derived or stored in the database.

    The instance key (``keys.py``) is ``key`` when given as material, else read from ``key_file``,
    else from the default location beside the database (created there on a first start).
    """

    admin_token: str
    database_url: str = DEFAULT_DATABASE_URL
    lab: bool = False
    system: str = "asti-reference"
    version: str = __version__
    key: bytes | None = field(default=None, repr=False)
    key_file: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    limits: Limits = field(default_factory=Limits)
    # Threads that run database work. Few on purpose: every one competes for the GIL with the
    # event loop, and with dozens of them a burst of 300 requests ran four times slower. The
    # connection pool has as many connections, so a worker never waits for one.
    worker_threads: int = 8

    def __post_init__(self) -> None:
        if not self.admin_token:
            raise ValueError("an operator token is required")
        if len(self.admin_token) > 512:
            raise ValueError("the operator token must be at most 512 characters (ASTI-1)")
        # A bearer token travels in an HTTP header and is read back stripped: a token with other
        # characters would be accepted here and then never match any request.
        token = self.admin_token
        if not (token.isascii() and token.isprintable()) or token != token.strip():
            raise ValueError(
                "the operator token must be printable ASCII without leading or trailing spaces"
            )
