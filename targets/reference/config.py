"""Settings of one reference-system instance, fixed when the process starts."""

from __future__ import annotations

from dataclasses import dataclass

from targets.reference import __version__

__all__ = ["DEFAULT_DATABASE_URL", "MAX_BODY_BYTES", "Settings"]

# A file next to where the service is started: survives restarts (L-04) and needs no server.
DEFAULT_DATABASE_URL = "sqlite:///reference.db"
# ASTI-1 section 4: request bodies are limited to 1 MiB.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """What an operator chooses at start-up; everything else is derived or stored in the database.

    ``national_id_key`` keys the hash under which national ids are stored; when it is None the
    service generates one on first start and keeps it in the database (so cross-round lookups of
    previous winners keep working across restarts).
    """

    admin_token: str
    database_url: str = DEFAULT_DATABASE_URL
    lab: bool = False
    system: str = "asti-reference"
    version: str = __version__
    national_id_key: bytes | None = None
    max_body_bytes: int = MAX_BODY_BYTES
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
