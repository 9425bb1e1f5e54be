"""``python -m targets.reference``: run the reference system under uvicorn.

Usable without the harness; ``harness serve --target reference`` calls ``serve`` below.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from collections.abc import Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from targets.reference.config import DEFAULT_DATABASE_URL, Settings

__all__ = ["StartupError", "main", "serve", "start"]

TOKEN_ENV = "REFERENCE_ADMIN_TOKEN"  # noqa: S105 (a variable name, not a secret)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; blocks."""
    import uvicorn

    from targets.reference.app import create_app
    from targets.reference.transport import ContractH11Protocol

    app = create_app(settings)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    lab = ", lab mode" if settings.lab else ""
    print(f"ASTI-1 reference system on http://{host}:{port} (database {shown}{lab})", flush=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,  # no framework banner in responses
        http=ContractH11Protocol,  # even a malformed request gets a contract-shaped 400
        # Load clients keep connections open between bursts; uvicorn's 5 s default makes the
        # server close them just as a client reuses them (a spurious "disconnected" error).
        timeout_keep_alive=75,
        timeout_graceful_shutdown=5,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m targets.reference", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--db",
        default=DEFAULT_DATABASE_URL,
        help="sqlite:///FILE or postgresql+psycopg://... (default: %(default)s)",
    )
    parser.add_argument("--admin-token", help=f"operator token (default: ${TOKEN_ENV} or random)")
    parser.add_argument("--lab", action="store_true", help="enable the lab endpoints")
    return parser


class StartupError(Exception):
    """The service cannot start with these settings; the message says why, in one line."""


def start(token: str | None, database_url: str, host: str, port: int, lab: bool) -> None:
    """Validate the settings, open the database and serve; problems become ``StartupError``.

    Without a token, a random one is generated and printed once, for the operator to copy.
    """
    if not token:
        token = secrets.token_urlsafe(32)
        print(f"operator token (shown once): {token}", flush=True)
    try:
        serve(Settings(admin_token=token, database_url=database_url, lab=lab), host, port)
    except (ValueError, ArgumentError) as exc:  # a bad token or database URL, another schema
        raise StartupError(_scrub(str(exc), database_url)) from None
    except OperationalError as exc:  # the database cannot be opened
        shown = _scrub(database_url, database_url)
        reason = " ".join(str(exc.orig).split())  # drivers' messages span lines; ours is one
        raise StartupError(_scrub(f"cannot open the database {shown}: {reason}", database_url)
                           ) from None
    except SystemExit as exc:  # uvicorn gave up at start-up, after logging why
        raise StartupError(f"the server could not start (uvicorn exit {exc.code})") from None


def _scrub(text: str, database_url: str) -> str:
    """``text`` without the database password: messages reach terminals and logs."""
    try:
        url = make_url(database_url)
        passwords = {url.password} if url.password else set()
        shown = url.render_as_string(hide_password=True)
    except ArgumentError:  # unparsable: mask whatever sits between "user:" and "@"
        passwords = set()
        shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", database_url)
    raw = re.search(r"://[^:/@]*:([^@/]*)@", database_url)
    if raw and raw.group(1):
        passwords.add(raw.group(1))
    text = text.replace(database_url, shown)
    # Elsewhere in a driver's message too; a one- or two-character password would turn every
    # such letter into *** (and hides nothing worth hiding).
    for password in sorted(passwords, key=len, reverse=True):
        if len(str(password)) > 2:
            text = text.replace(str(password), "***")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        start(
            args.admin_token or os.environ.get(TOKEN_ENV), args.db, args.host, args.port, args.lab
        )
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
