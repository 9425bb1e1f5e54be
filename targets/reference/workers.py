"""Several server processes on one database and one listening socket (``--workers N``).

The parent opens the database once (creating the schema and the instance key, so the workers
never race to), binds the socket, then forks the workers: each builds its own app, engine and
thread pool and accepts on the shared socket, the kernel spreading connections between them.
Forking (not spawning) keeps whatever this process set up before, such as a faulty target's
modifier. Correctness across processes rests on the database alone: its locks and unique
constraints, never on state in one process. The parent forwards SIGTERM and SIGINT to the workers
and exits when they have all stopped.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType

__all__ = ["bind", "run_workers"]

_BACKLOG = 2048


def bind(host: str, port: int) -> socket.socket:
    """The listening socket the workers share."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(_BACKLOG)
    listener.set_inheritable(True)
    return listener


def _child(listener: socket.socket, serve_one: Callable[[socket.socket], None]) -> None:
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)
    code = 0
    try:
        serve_one(listener)
    except BaseException:  # noqa: BLE001 - a worker's failure is its exit code, not the parent's
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_workers(listener: socket.socket, workers: int,
                serve_one: Callable[[socket.socket], None]) -> int:
    """Fork ``workers`` processes serving on ``listener``; wait for all; 0 if all ended well."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            _child(listener, serve_one)
        children.append(pid)
    listener.close()

    def forward(number: int, _frame: FrameType | None) -> None:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM if number == signal.SIGTERM else number)
            except ProcessLookupError:
                pass

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, forward)
    worst = 0
    for pid in children:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        worst = max(worst, os.waitstatus_to_exitcode(status) != 0)
    return worst
