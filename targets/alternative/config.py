"""Start-up settings, checked before anything listens: a wrong one is a one-line ``ConfigError``."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ConfigError", "Settings", "check_listen", "check_token", "database_path"]

_TOKEN = re.compile(r"[\x21-\x7e]{1,512}")  # visible ASCII: it travels in an HTTP header


class ConfigError(Exception):
    """A setting the system cannot start with; the message names it in one line."""


@dataclass(frozen=True)
class Settings:
    admin_token: str
    database: Path
    key_file: Path
    lab: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    request_timeout: float = 20.0
    idle_timeout: int = 60


def database_path(text: str) -> Path:
    """``--db`` as a plain file path or ``sqlite:///path``; the directory must exist."""
    value = text.strip()
    if value.startswith("sqlite:///"):
        value = value[len("sqlite:///"):]
    elif "://" in value or value.startswith("sqlite:"):
        raise ConfigError(
            f"--db {text!r}: this system stores its data in SQLite; give a file path or"
            " sqlite:///PATH"
        )
    if not value or value == ":memory:":
        raise ConfigError(f"--db {text!r}: give the path of a database file")
    path = Path(value).expanduser()
    if path.is_dir():
        raise ConfigError(f"--db {text!r} is a directory, not a database file")
    if not path.parent.is_dir():
        raise ConfigError(f"--db {text!r}: the directory {path.parent} does not exist")
    return path


def check_token(token: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise ConfigError(
            "the operator token must be 1 to 512 visible ASCII characters without spaces"
        )
    return token


def check_listen(host: str, port: int) -> None:
    """Resolve and bind once, so a bad host or a busy port is one line, not a server log."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port must be 1 to 65535, got {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host!r} cannot be resolved: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
