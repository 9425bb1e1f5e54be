"""``harness serve``: run a built-in target system on this machine.

``reference``, ``alternative`` and ``faulty:NAME`` (the reference with one defect applied, see
``harness targets``).
"""

from __future__ import annotations

import argparse
import os
import socket
from typing import Any

from harness.errors import UsageError
from harness.launcher import parse_spec

__all__ = ["DEFAULT_DB", "register"]

# The reference keeps its data in a file in the current directory, so a restart finds it again.
DEFAULT_DB = "sqlite:///reference.db"
_ALTERNATIVE_DB = "sqlite:///alternative.db"  # its own file: the two schemas differ
_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"  # noqa: S105 (the variable's name, not a secret)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run a built-in target system (reference, alternative) as a web service",
        description="Serve a built-in ASTI-1 system over HTTP until interrupted.",
    )
    parser.add_argument("--target", required=True, help="reference, alternative or faulty:NAME")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--db",
        default=DEFAULT_DB,
        metavar="URL",
        help="sqlite:///FILE or postgresql+psycopg://... (default: %(default)s;"
        " alternative.db for the alternative, which takes SQLite only)",
    )
    parser.add_argument(
        "--admin-token",
        metavar="T",
        help=f"operator token (default: ${_TOKEN_ENV}, else a random one)",
    )
    parser.add_argument("--lab", action="store_true", help="enable the lab endpoints")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="server processes on one socket and one database (reference and"
                        " faulty targets; default 1)")
    parser.add_argument(
        "--key-file",
        metavar="FILE",
        help="the reference's instance key (default: $REFERENCE_KEY_FILE or $REFERENCE_KEY, "
        "else a file beside the SQLite database, created on first start)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    builtin = parse_spec(args.target, urls=False)  # an unknown name lists the valid ones
    defect = builtin.args[0] if builtin.kind == "faulty" else None
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1 to 65535, got {args.port}")
    if not 1 <= args.workers <= 64:
        raise UsageError(f"--workers must be 1 to 64, got {args.workers}")
    _check_can_listen(args.host, args.port)
    if args.target == "alternative":
        if args.workers != 1:
            raise UsageError("--workers is for the reference and faulty targets")
        return _run_alternative(args)
    from targets.reference.__main__ import StartupError, start

    if defect is not None:
        from targets.faulty import DEFECTS

        DEFECTS[defect].apply()  # patches the reference in this process before its app exists
    try:
        start(
            args.admin_token or os.environ.get(_TOKEN_ENV), args.db, args.host, args.port, args.lab,
            key_file=args.key_file, workers=args.workers,
        )
    except StartupError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _run_alternative(args: argparse.Namespace) -> int:
    from targets.alternative.__main__ import ConfigError, launch

    database = _ALTERNATIVE_DB if args.db == DEFAULT_DB else args.db
    try:
        launch(args.admin_token or os.environ.get(_TOKEN_ENV), database, args.host, args.port,
               args.lab)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _check_can_listen(host: str, port: int) -> None:
    """Fail with one line before start-up, rather than with uvicorn's log and exit code."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host!r} cannot be resolved: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
