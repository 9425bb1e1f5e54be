"""Helpers for the alternative-system tests: a real server process and round set-ups."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _systems import free_port, wait_healthy

from harness.target import HttpTarget

ADMIN = "alt-operator-token-for-tests"
REPO = Path(__file__).resolve().parents[2]


class Server:
    """``python -m targets.alternative`` as its own process on a free loopback port."""

    def __init__(
        self, db: Path, *, lab: bool = False, extra: list[str] | None = None, plain: bool = False
    ) -> None:
        self.db = db
        self.db_arg = str(db) if plain else f"sqlite:///{db}"
        self.lab = lab
        self.extra = extra or []
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.log = db.with_suffix(".log")

    def start(self) -> str:
        port = free_port()
        command = [sys.executable, "-m", "targets.alternative", "--port", str(port),
                   "--db", self.db_arg, "--admin-token", ADMIN, *self.extra]
        command += ["--lab"] if self.lab else []
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        wait_healthy(self.url, self.process, self.log)
        return self.url

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def running(db: Path, *, lab: bool = False, extra: list[str] | None = None) -> Iterator[Server]:
    server = Server(db, lab=lab, extra=extra)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def close_window(target: HttpTarget, round_id: str, expected: str) -> httpx.Response:
    return target.request("POST", f"/v1/rounds/{round_id}/deposits/close", token=ADMIN,
                          json={"expected_state": expected})


