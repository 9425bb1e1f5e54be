"""``python -m targets.alternative``: run the alternative ASTI-1 system under waitress.

Usable without the harness; ``harness serve --target alternative`` calls ``launch`` below.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from targets.alternative.config import (
    ConfigError,
    Settings,
    check_listen,
    check_token,
    database_path,
)
from targets.alternative.keyring import KeyProblem, Keyring, load_master_key
from targets.alternative.server import Limits, make_server
from targets.alternative.storage import ForeignDatabase, Store
from targets.alternative.system import System
from targets.alternative.web import build_app

__all__ = ["ConfigError", "launch", "main", "serve"]

ADMIN_ENV = "ALTERNATIVE_ADMIN_TOKEN"
DEFAULT_DB = "alternative.db"


def _open(settings: Settings) -> System:
    try:
        keyring = Keyring(load_master_key(settings.key_file, dict(os.environ)))
        store = Store(settings.database)
        store.prepare(keyring.check_value)
    except (KeyProblem, ForeignDatabase) as exc:
        raise ConfigError(str(exc)) from None
    return System(store, keyring, settings.admin_token, settings.lab)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(settings: Settings) -> None:
    """Open the database and serve until interrupted; problems before listening: ConfigError."""
    check_listen(settings.host, settings.port)
    system = _open(settings)
    limits = Limits(settings.threads, settings.request_timeout, settings.idle_timeout)
    try:
        server = make_server(build_app(system), settings.host, settings.port, limits)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {settings.host}:{settings.port}: {exc}") from None
    lab = ", lab mode" if settings.lab else ""
    print(f"ASTI-1 alternative system on http://{settings.host}:{settings.port}"
          f" (database {settings.database}{lab})", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def launch(
    token: str | None,
    database: str,
    host: str,
    port: int,
    lab: bool,
    key_file: str | None = None,
    *,
    request_timeout: float = 20.0,
    idle_timeout: int = 60,
) -> None:
    """Check the settings and serve; without a token a random one is printed once."""
    if not token:
        token = secrets.token_urlsafe(32)
        print(f"operator token (shown once): {token}", flush=True)
    path = database_path(database)
    settings = Settings(
        admin_token=check_token(token),
        database=path,
        key_file=Path(key_file) if key_file else path.with_name(path.name + ".key"),
        lab=lab,
        host=host,
        port=port,
        request_timeout=request_timeout,
        idle_timeout=idle_timeout,
    )
    serve(settings)


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m targets.alternative", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--db", default=DEFAULT_DB,
                        help="database file: PATH or sqlite:///PATH (default: %(default)s)")
    parser.add_argument("--admin-token", help=f"operator token (default: ${ADMIN_ENV} or random)")
    parser.add_argument("--key-file", help="master key file (default: the database path + .key;"
                        " $ALTERNATIVE_MASTER_KEY overrides it)")
    parser.add_argument("--lab", action="store_true", help="enable the lab endpoints")
    parser.add_argument("--request-timeout", type=float, default=20.0, metavar="SECONDS",
                        help="drop a client whose request is not complete by then (default 20)")
    parser.add_argument("--idle-timeout", type=int, default=60, metavar="SECONDS",
                        help="close a connection idle this long (default 60)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    args = _parser().parse_args(argv)
    token = args.admin_token or os.environ.get(ADMIN_ENV)
    try:
        if args.request_timeout <= 0 or args.idle_timeout <= 0:
            raise ConfigError("--request-timeout and --idle-timeout must be positive")
        launch(token, args.db, args.host, args.port, args.lab, args.key_file,
               request_timeout=args.request_timeout, idle_timeout=args.idle_timeout)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
