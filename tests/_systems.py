"""What the tests of both correct systems (reference and alternative) share: valid national
ids, free ports, waiting for a started server, round set-ups over HTTP, and the contract's error
shape and audit chain checked from the contract's own definitions (never from a system's code)."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from harness.target import HttpTarget


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


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not become healthy:\n{log.read_text()}")


@contextmanager
def thread_clones(target: HttpTarget) -> Iterator[Callable[[], HttpTarget]]:
    """``mine()`` gives the calling thread its own clone of ``target`` (an HttpTarget serves one
    thread); every clone is closed when the block ends."""
    local = threading.local()
    clones: list[HttpTarget] = []
    lock = threading.Lock()

    def mine() -> HttpTarget:
        clone: HttpTarget | None = getattr(local, "target", None)
        if clone is None:
            clone = local.target = target.clone()
            with lock:
                clones.append(clone)
        return clone

    try:
        yield mine
    finally:
        for clone in clones:
            clone.close()


def register_many(
    target: HttpTarget, round_id: str, count: int, *, first: int = 100_000, workers: int = 8
) -> dict[str, str]:
    """Register ``count`` people in parallel; returns token by applicant id."""

    def one(i: int) -> tuple[str, str]:
        body = mine().register(round_id, national_id(first + i), f"Person {i}", f"region-{i % 7}")
        return body["applicant_id"], body["token"]

    with thread_clones(target) as mine, ThreadPoolExecutor(workers) as pool:
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
