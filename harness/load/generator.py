"""The harness's side of the load generator: a child process running locust, driven over a pipe.

``Generator`` starts ``python -m harness.load._worker`` (local, or master of N workers), hands it
one rush at a time as a plan file, follows its progress lines and reads back the recordings.
Every wait is bounded: a generator that dies, hangs or overruns its rush is killed and raises
``GeneratorError`` with the end of its log, so no run can hang on it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.load.samples import Samples

__all__ = ["Generator", "GeneratorError", "Rush"]

_GRACE = 30.0  # seconds beyond a rush's duration for spawning, stopping and collecting
_LOG_LINES = 12


class GeneratorError(RuntimeError):
    """The generator process failed, stopped answering or overran its time."""


@dataclass(frozen=True)
class Rush:
    """What one rush recorded, merged over the generator's nodes (one, or each worker)."""

    phase: str
    samples: Samples
    attempts: list[dict[str, Any]]
    registrations: list[dict[str, Any]]
    completed: bool  # every script ran to its end within the rush's duration
    scripts_total: int
    scripts_done: int
    workers: int
    cpu: list[dict[str, float]] = field(default_factory=list)  # per node: cpu_s, wall_s, share

    @property
    def generator_cpu_share(self) -> float:
        """The busiest node's CPU time over wall time (1.0 is one core fully used)."""
        return max((node["share"] for node in self.cpu), default=0.0)

    @classmethod
    def merge(cls, phase: str, outcome: dict[str, Any]) -> Rush:
        nodes = outcome["nodes"]
        rows = [row for node in nodes for row in node["samples"]]
        started = min((n["started"] for n in nodes), default=0.0)
        finished = max((n["finished"] for n in nodes), default=started)
        cpu = [{"cpu_s": n["cpu_s"], "wall_s": n["finished"] - n["started"],
                "share": n["cpu_s"] / max(n["finished"] - n["started"], 1e-9)} for n in nodes]
        return cls(
            phase=phase, samples=Samples(rows, started, finished),
            attempts=[a for n in nodes for a in n["attempts"]],
            registrations=[r for n in nodes for r in n["registrations"]],
            completed=bool(outcome["completed"]),
            scripts_total=sum(n["scripts_total"] for n in nodes),
            scripts_done=sum(n["scripts_done"] for n in nodes),
            workers=int(outcome["workers"]), cpu=cpu,
        )


class Generator:
    """One generator process for the whole suite run (so distributed workers stay connected)."""

    def __init__(self, workdir: Path, *, expect_workers: int = 0, bind_host: str = "127.0.0.1",
                 bind_port: int = 5557, workers_timeout: float = 60.0) -> None:
        self.workdir = workdir
        self.log_path = workdir / "generator.log"
        mode = ["master", "--expect-workers", str(expect_workers), "--bind-host", bind_host,
                "--bind-port", str(bind_port), "--workers-timeout", str(workers_timeout)
                ] if expect_workers else ["local"]
        self._lines: queue.Queue[str | None] = queue.Queue()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "harness.load._worker", *mode],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        threading.Thread(target=self._read, daemon=True).start()
        self._expect("ready", workers_timeout + _GRACE)
        self.phases = 0

    def _read(self) -> None:
        assert self.process.stdout is not None  # noqa: S101 - opened with PIPE above
        for raw in self.process.stdout:
            self._lines.put(raw.decode("utf-8", errors="replace"))
        self._lines.put(None)

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return " | ".join(line.strip() for line in lines[-_LOG_LINES:] if line.strip())

    def _fail(self, reason: str) -> GeneratorError:
        self.kill()
        tail = self._log_tail()
        return GeneratorError(f"{reason}; generator log: {tail}" if tail else reason)

    def _expect(self, event: str, timeout: float,
                on_progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        give_up = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, give_up - time.monotonic()))
            except queue.Empty:
                raise self._fail(f"the load generator sent no {event!r} within {timeout:g} s"
                                 ) from None
            if line is None:
                raise self._fail(f"the load generator exited (code {self.process.poll()})")
            try:
                message = json.loads(line)
            except ValueError:
                continue  # a stray line of some library on stdout
            if message.get("event") == "error":
                raise self._fail(f"the load generator failed: {message.get('reason')}")
            if message.get("event") == "progress" and on_progress is not None:
                on_progress(message)
            if message.get("event") == event:
                return dict(message)

    def run(self, plan: dict[str, Any],
            on_progress: Callable[[dict[str, Any]], None] | None = None) -> Rush:
        """Run one rush to its end (or its duration) and return what it recorded."""
        self.phases += 1
        stem = self.workdir / f"{self.phases:02d}-{plan['phase']}"
        plan_file, out_file = stem.with_suffix(".plan.json"), stem.with_suffix(".out.json")
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        self._send({"op": "phase", "plan": str(plan_file), "out": str(out_file)})
        self._expect("done", float(plan["duration"]) + _GRACE, on_progress)
        outcome = json.loads(out_file.read_text(encoding="utf-8"))
        return Rush.merge(plan["phase"], outcome)

    def _send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None  # noqa: S101 - opened with PIPE above
        try:
            self.process.stdin.write((json.dumps(command) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except OSError as exc:
            raise self._fail(f"the load generator stopped taking commands ({exc})") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self._send({"op": "quit"})
                self.process.wait(timeout=15)
            except (GeneratorError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def __enter__(self) -> Generator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
