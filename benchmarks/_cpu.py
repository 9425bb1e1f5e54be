"""CPU seconds spent by the server's processes and its database sessions, read from /proc.

The load benchmark divides them by the requests of a phase, so each configuration shows what one
/healthz and one deposit cost the server and the database, beside the throughput ratio (whose cap
they explain). Linux only, and for the database only when it runs on this machine; elsewhere the
figures are absent, never guessed.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["APPLICATION", "cpu_seconds", "database_sessions", "process_tree"]

# The application_name the benchmark gives the server's database sessions, to find them.
APPLICATION = "bench-load-server"
_PROC = Path("/proc")


def _stat(pid: int) -> list[str] | None:
    try:
        return (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_tree(root: int) -> list[int]:
    """``root`` and every process descending from it (the server's worker processes)."""
    parents: dict[int, int] = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else []:
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def cpu_seconds(pids: list[int]) -> float | None:
    """User plus system CPU seconds of ``pids`` (those still alive); None without /proc."""
    if not _PROC.is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def database_sessions(url: str) -> list[int]:
    """Process ids of the server's PostgreSQL sessions (by their application_name)."""
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT pid FROM pg_stat_activity"
                                     " WHERE application_name = :name"), {"name": APPLICATION})
            pids = [int(row[0]) for row in rows]
        engine.dispose()
    except SQLAlchemyError:
        return []
    return pids
