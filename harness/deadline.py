"""A total deadline for one HTTP exchange made with requests.

requests' ``timeout`` bounds each socket operation, not the exchange: a server that sends one byte
a second never trips it, and one that streams headers forever is not stopped by streaming the body
either. So every exchange is watched: one watchdog thread for the whole process keeps the
deadlines of the calls in flight and, when one passes, shuts down that call's socket. The blocked
read or write returns at once, and the caller, seeing its guard ``fired``, reports a timeout
whatever exception (or truncated body) requests produced.

The socket is found through the connection classes mounted by ``DeadlineAdapter``: they attach
themselves to the guard of the calling thread when they connect or send a request.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["CallGuard", "DeadlineAdapter", "guarded", "new_session"]

_local = threading.local()


class CallGuard:
    """The deadline of one exchange and the connection it runs on."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # time.monotonic() value
        self.fired = False
        self.finished = False
        self._connection: Any = None
        self._lock = threading.Lock()

    def attach(self, connection: Any) -> None:
        with self._lock:
            self._connection = connection
            if self.fired and not self.finished:
                _shutdown(connection)

    def fire(self) -> None:
        """Called by the watchdog when the deadline passes: break the exchange off."""
        with self._lock:
            if self.finished:
                return
            self.fired = True
            if self._connection is not None:
                _shutdown(self._connection)

    def finish(self) -> None:
        with self._lock:
            self.finished = True
            self._connection = None


def _shutdown(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed: nothing left to interrupt


class _Watchdog:
    """One daemon thread firing the guards whose deadline has passed, earliest first."""

    _PRUNE_AT = 1024  # finished guards kept in the heap before it is rebuilt without them

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start empty; also in a forked child, where the parent's thread and lock are void."""
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, CallGuard]] = []
        self._order = itertools.count()
        self._finished = 0
        self._thread: threading.Thread | None = None

    def watch(self, guard: CallGuard) -> None:
        with self._cond:
            heapq.heappush(self._heap, (guard.deadline, next(self._order), guard))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="harness-deadline-watchdog", daemon=True
                )
                self._thread.start()
            if self._heap[0][2] is guard:  # only an earlier deadline changes the thread's wait
                self._cond.notify()

    def finished(self) -> None:
        """A watched call ended; now and then drop the ended calls from the heap."""
        with self._cond:
            self._finished += 1
            if self._finished >= self._PRUNE_AT and self._finished * 2 >= len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].finished]
                heapq.heapify(self._heap)
                self._finished = 0

    def _run(self) -> None:
        while True:
            with self._cond:
                due = self._next_due()
            due.fire()

    def _next_due(self) -> CallGuard:
        while True:
            while self._heap and self._heap[0][2].finished:
                heapq.heappop(self._heap)
            if not self._heap:
                self._cond.wait()
                continue
            wait = self._heap[0][0] - time.monotonic()
            if wait <= 0:
                return heapq.heappop(self._heap)[2]
            self._cond.wait(wait)


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.reset)


@contextmanager
def guarded(deadline: float) -> Iterator[CallGuard]:
    """Watch the exchanges this thread makes inside the block; ``deadline`` is monotonic time."""
    guard = CallGuard(deadline)
    previous = getattr(_local, "guard", None)
    _local.guard = guard
    _WATCHDOG.watch(guard)
    try:
        yield guard
    finally:
        _local.guard = previous
        guard.finish()
        _WATCHDOG.finished()


def _attach_current(connection: Any) -> None:
    guard = getattr(_local, "guard", None)
    if guard is not None:
        guard.attach(connection)


class _GuardedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _attach_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self)  # a pooled connection is reused without connect()
        super().request(*args, **kwargs)


class _GuardedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _attach_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self)
        super().request(*args, **kwargs)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' HTTP adapter with connections that the deadline watchdog can break off."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def new_session(user_agent: str) -> requests.Session:
    """A session whose HTTP(S) exchanges can be guarded, ignoring the environment.

    ``trust_env`` is off: a proxy variable or a ``.netrc`` entry must not reroute the harness's
    requests or add credentials to a request that is deliberately sent without any.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = user_agent
    adapter = DeadlineAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
