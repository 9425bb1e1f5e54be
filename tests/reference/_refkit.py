"""Helpers for the reference-system tests: a server process, and the helpers both correct
systems' tests share (``tests/_systems.py``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from _systems import free_port, wait_healthy

ADMIN = "operator-token-for-tests"
REPO = Path(__file__).resolve().parents[2]


def start_server(
    db_url: str, workdir: Path, *, lab: bool = False, options: Sequence[str] = ()
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the reference as its own process; returns once ``/healthz`` answers.

    ``options`` are further command-line options (limits, ``--key-file``).
    """
    port = free_port()
    command = [sys.executable, "-m", "targets.reference", "--port", str(port), "--db", db_url,
               "--admin-token", ADMIN] + (["--lab"] if lab else []) + list(options)
    log_path = workdir / f"server-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, log_path)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, base_url


@contextmanager
def running_server(
    db_url: str, workdir: Path, *, lab: bool = False, options: Sequence[str] = ()
) -> Iterator[str]:
    """A server process for the duration of the block."""
    process, base_url = start_server(db_url, workdir, lab=lab, options=options)
    try:
        yield base_url
    finally:
        stop_server(process)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


