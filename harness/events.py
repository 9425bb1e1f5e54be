"""Event sinks: how a running suite tells the person at the terminal (or a test) what happens.

Suites report through an ``EventSink`` and never print. On a terminal ``RichSink`` shows a live
progress display; elsewhere (CI logs, pipes) ``QuietSink`` writes one line per requirement;
``RecordingSink`` keeps every event for tests. Sinks may be called from worker threads.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from harness.results import Message, RequirementResult, SuiteResult

__all__ = ["EventSink", "QuietSink", "RecordingSink", "RichSink", "make_sink"]


class EventSink(Protocol):
    def suite_started(self, suite: str, requirement_ids: Sequence[str]) -> None: ...

    def suite_finished(self, result: SuiteResult) -> None: ...

    def requirement(self, result: RequirementResult) -> None: ...

    def progress(self, step: str, done: int, total: int | None) -> None: ...

    def message(self, message: Message) -> None: ...


def _verdict_line(result: RequirementResult) -> str:
    return f"{result.id} {result.verdict.value:<14} {result.summary.text}"


class QuietSink:
    """One line per requirement verdict and per message; progress is not shown."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def _write(self, line: str) -> None:
        with self._lock:
            print(line, file=self._stream, flush=True)

    def suite_started(self, suite: str, requirement_ids: Sequence[str]) -> None:
        self._write(f"{suite}: assessing {', '.join(requirement_ids)}")

    def suite_finished(self, result: SuiteResult) -> None:
        return None

    def requirement(self, result: RequirementResult) -> None:
        self._write(_verdict_line(result))

    def progress(self, step: str, done: int, total: int | None) -> None:
        return None

    def message(self, message: Message) -> None:
        self._write(message.text)


class RichSink:
    """A live progress bar per step, with verdicts printed above it as they arrive."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console()
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=self._console, transient=True,
        )
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def suite_started(self, suite: str, requirement_ids: Sequence[str]) -> None:
        with self._lock:
            self._progress.start()
            self._console.print(f"[bold]{suite}[/]: assessing {', '.join(requirement_ids)}")

    def suite_finished(self, result: SuiteResult) -> None:
        with self._lock:
            self._progress.stop()
            for task in self._tasks.values():
                self._progress.remove_task(task)
            self._tasks.clear()

    def requirement(self, result: RequirementResult) -> None:
        colour = {"PASS": "green", "FAIL": "red"}.get(result.verdict.value, "yellow")
        with self._lock:
            self._console.print(
                f"{result.id} [{colour}]{result.verdict.value:<14}[/] {result.summary.text}",
                markup=True, highlight=False,
            )

    def progress(self, step: str, done: int, total: int | None) -> None:
        with self._lock:
            if step not in self._tasks:
                self._tasks[step] = self._progress.add_task(step, total=total)
            self._progress.update(self._tasks[step], completed=done, total=total)

    def message(self, message: Message) -> None:
        with self._lock:
            self._console.print(message.text, markup=False, highlight=False)


class RecordingSink:
    """Keeps every event as ``(kind, payload)`` in order (for tests)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self._lock = threading.Lock()

    def _add(self, kind: str, payload: Any) -> None:
        with self._lock:
            self.events.append((kind, payload))

    def suite_started(self, suite: str, requirement_ids: Sequence[str]) -> None:
        self._add("suite_started", (suite, tuple(requirement_ids)))

    def suite_finished(self, result: SuiteResult) -> None:
        self._add("suite_finished", result)

    def requirement(self, result: RequirementResult) -> None:
        self._add("requirement", result)

    def progress(self, step: str, done: int, total: int | None) -> None:
        self._add("progress", (step, done, total))

    def message(self, message: Message) -> None:
        self._add("message", message)

    def of_kind(self, kind: str) -> list[Any]:
        return [payload for k, payload in self.events if k == kind]


def make_sink(stream: TextIO | None = None) -> EventSink:
    """A ``RichSink`` on a terminal, a ``QuietSink`` otherwise."""
    stream = stream or sys.stdout
    if stream.isatty():
        return RichSink(Console(file=stream))
    return QuietSink(stream)
