"""Start a built-in target the two ways a user can: ``launch(spec)`` or ``harness serve``."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from harness.errors import TargetError
from harness.launcher import launch
from harness.target import HttpTarget

REPO = Path(__file__).resolve().parents[2]

Starter = Callable[[str], AbstractContextManager[HttpTarget]]


@contextmanager
def launched(spec: str) -> Iterator[HttpTarget]:
    with launch(spec) as target, target.connect() as client:
        yield client


@contextmanager
def served(spec: str, tmp_path: Path) -> Iterator[HttpTarget]:
    """``harness serve --target SPEC --lab`` as its own process on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)  # never starts with "-", which argparse would take for an option
    log = tmp_path / f"serve-{port}.log"
    command = [sys.executable, "-m", "harness", "serve", "--target", spec, "--port", str(port),
               "--db", f"sqlite:///{tmp_path / f'{port}.db'}", "--admin-token", token, "--lab"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        with HttpTarget(f"http://127.0.0.1:{port}", token, deadline=2) as probe_target:
            for _ in range(300):
                assert process.poll() is None, log.read_text()
                try:
                    probe_target.health()
                    break
                except TargetError:
                    time.sleep(0.1)
        with HttpTarget(f"http://127.0.0.1:{port}", token) as target:
            yield target
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(params=["launch", "harness serve"])
def start(request: pytest.FixtureRequest, tmp_path: Path) -> Starter:
    """A function starting a built-in target, once per way of starting it."""
    if request.param == "launch":
        return launched
    return lambda spec: served(spec, tmp_path)
