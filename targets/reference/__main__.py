"""``python -m targets.reference``: run the reference system under uvicorn.

Usable without the harness; ``harness serve --target reference`` calls ``serve`` below.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from targets.reference.config import DEFAULT_DATABASE_URL, Limits, Settings
from targets.reference.keys import parse_key

__all__ = ["StartupError", "main", "serve", "start"]

TOKEN_ENV = "REFERENCE_ADMIN_TOKEN"  # noqa: S105 (a variable name, not a secret)
KEY_ENV = "REFERENCE_KEY"  # the instance key itself, as 64 hex digits
KEY_FILE_ENV = "REFERENCE_KEY_FILE"
# h11's limit on an incomplete request head: one ASTI-1 request needs a few hundred bytes.
_MAX_HEAD_BYTES = 16 * 1024


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve until interrupted; blocks. ``workers`` > 1 runs that many server processes on one
    socket and one database (``workers.py``)."""
    from targets.reference.app import create_app

    app = create_app(settings)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    lab = ", lab mode" if settings.lab else ""
    processes = f", {workers} server processes" if workers > 1 else ""
    print(f"ASTI-1 reference system on http://{host}:{port} (database {shown}{lab}{processes})",
          flush=True)
    binding = app.state.service.key_binding
    if binding.created:
        print(f"instance key created: {binding.origin} (keep it out of database backups)",
              flush=True)
    if workers <= 1:
        _uvicorn_server(app, settings, host, port).run()
        return
    from targets.reference.workers import bind, run_workers

    app.state.service.close()  # the workers open their own engines after the fork
    listener = bind(host, port)

    def serve_one(sock: socket.socket) -> None:
        _uvicorn_server(create_app(settings), settings, host, port).run(sockets=[sock])

    if run_workers(listener, workers, serve_one) != 0:
        raise SystemExit(1)


def _uvicorn_server(app: Any, settings: Settings, host: str, port: int) -> Any:
    import uvicorn

    from targets.reference.transport import ContractH11Protocol

    limits = settings.limits
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,  # no framework banner in responses
        # Contract-shaped 400 and 503, the header deadline and the connection cap (which
        # replaces uvicorn's limit_concurrency and its plain-text 503).
        http=ContractH11Protocol.configured(limits.header_timeout, limits.max_connections),
        h11_max_incomplete_event_size=_MAX_HEAD_BYTES,
        # Load clients keep connections open between bursts; uvicorn's 5 s default makes the
        # server close them just as a client reuses them (a spurious "disconnected" error).
        timeout_keep_alive=75,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


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
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes sharing the socket and the database (%(default)s)")
    parser.add_argument(
        "--key-file",
        help=f"instance key file (default: ${KEY_FILE_ENV}; the key itself may come in ${KEY_ENV};"
        " else a file beside the SQLite database, created on first start)",
    )
    defaults = Limits()
    parser.add_argument("--header-timeout", type=float, default=defaults.header_timeout,
                        help="seconds a client has to send its request headers (%(default)s)")
    parser.add_argument("--body-timeout", type=float, default=defaults.body_timeout,
                        help="seconds a client has to send a whole request body (%(default)s)")
    parser.add_argument("--body-budget", type=int, default=defaults.body_budget,
                        help="bytes of request bodies held at once, all requests together "
                        "(%(default)s)")
    parser.add_argument("--max-connections", type=int, default=defaults.max_connections,
                        help="open connections before requests get 503 (%(default)s)")
    return parser


class StartupError(Exception):
    """The service cannot start with these settings; the message says why, in one line."""


def start(
    token: str | None,
    database_url: str,
    host: str,
    port: int,
    lab: bool,
    *,
    key_file: str | None = None,
    limits: Limits | None = None,
    workers: int = 1,
) -> None:
    """Validate the settings, open the database and serve; problems become ``StartupError``.

    Without a token, a random one is generated and printed once, for the operator to copy. The
    instance key comes from ``key_file``, else ``$REFERENCE_KEY``, else ``$REFERENCE_KEY_FILE``,
    else the default location (keys.py).
    """
    if not token:
        token = secrets.token_urlsafe(32)
        print(f"operator token (shown once): {token}", flush=True)
    try:
        settings = Settings(admin_token=token, database_url=database_url, lab=lab,
                            limits=limits or Limits(), **_key_settings(key_file))
        if not 1 <= workers <= 64:
            raise ValueError(f"--workers must be 1 to 64, got {workers}")
        serve(settings, host, port, workers)
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


def _key_settings(key_file: str | None) -> dict[str, Any]:
    """The key options of ``Settings``: a file named on the command line wins over the
    environment, which may hold the key itself or name its file, not both."""
    if key_file:
        return {"key_file": key_file}
    material, path = os.environ.get(KEY_ENV), os.environ.get(KEY_FILE_ENV)
    if material and path:
        raise ValueError(f"set ${KEY_ENV} or ${KEY_FILE_ENV}, not both")
    if material:
        return {"key": parse_key(material, f"${KEY_ENV}")}
    return {"key_file": path or None}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        limits = Limits(args.header_timeout, args.body_timeout, args.body_budget,
                        args.max_connections)
        start(
            args.admin_token or os.environ.get(TOKEN_ENV), args.db, args.host, args.port, args.lab,
            key_file=args.key_file, limits=limits, workers=args.workers,
        )
    except (StartupError, ValueError) as exc:  # ValueError: a limit out of range
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
