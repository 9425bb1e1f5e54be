"""Helpers for the alternative-system tests: a real server process and round set-ups."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from harness.target import HttpTarget

ADMIN = "alt-operator-token-for-tests"
REPO = Path(__file__).resolve().parents[2]


def national_id(n: int) -> str:
    """The valid national id whose first nine digits are ``n`` (ASTI-1 check-digit rule)."""
    prefix = f"{n:09d}"
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(prefix)) % 11
    value = prefix + str(remainder if remainder < 2 else 11 - remainder)
    if len(set(value)) == 1:
        raise ValueError(f"{value} has ten equal digits")
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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
        _wait_healthy(self.url, self.process, self.log)
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


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server did not become healthy:\n{log.read_text()}")


def register_many(
    target: HttpTarget, round_id: str, count: int, *, first: int = 100_000, workers: int = 8
) -> dict[str, str]:
    """Register ``count`` people in parallel; returns token by applicant id."""

    def one(i: int) -> tuple[str, str]:
        body = target.register(round_id, national_id(first + i), f"Person {i}", f"region-{i % 7}")
        return body["applicant_id"], body["token"]

    with ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(one, range(count)))


def drawn_round(
    target: HttpTarget, round_id: str, count: int, primary: int, reserve: int,
    amount: int = 1000, *, first: int = 100_000,
) -> tuple[dict[str, str], dict[str, Any]]:
    """A round taken to ``drawn``: (token by applicant id, published results)."""
    target.create_round(round_id, primary, reserve, amount)
    tokens = register_many(target, round_id, count, first=first)
    target.close_registration(round_id)
    target.commit(round_id, "test beacon source")
    return tokens, target.draw(round_id, "beef")


def close_window(target: HttpTarget, round_id: str, expected: str) -> httpx.Response:
    return target.request("POST", f"/v1/rounds/{round_id}/deposits/close", token=ADMIN,
                          json={"expected_state": expected})


def expect_error(response: httpx.Response, status: int, code: str) -> None:
    """The response is the contract's error ``code`` with ``status``, shaped and headed right."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == code and body["message"]
    assert response.headers["x-content-type-options"] == "nosniff"


def verify_chain(entries: list[dict[str, Any]], round_id: str) -> None:
    """Recompute the round's audit hash chain from the contract's definition."""
    prev = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        assert entry["seq"] == seq and entry["prev_hash"] == prev
        assert entry["data"]["round_id"] == round_id
        body = {k: entry[k] for k in ("seq", "at", "event", "data")}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256((prev + text).encode()).hexdigest()
        assert entry["hash"] == prev
