"""SQLite writers of several server processes queue on the lock file beside the database.

The queue must hold across processes, including a worker forked from the process that opened
the database first, and must be released when the write ends, committed or not.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.synchronize
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from targets.reference.db import Database


def _lock_file(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + "-writer.lock")


def _taken_elsewhere(lock_file: Path) -> bool:
    """True when another open file (another process) holds the writers' lock now."""
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _write_and_hold(db: Database, holding: multiprocessing.synchronize.Event,
                    release: multiprocessing.synchronize.Event) -> None:
    with db.write() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('child', 'wrote')"))
        holding.set()
        release.wait(30)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'ref.db'}")
    db.create_schema()
    yield db
    db.dispose()


def test_a_forked_workers_write_holds_the_queue_against_the_other_processes(
    database: Database, tmp_path: Path
) -> None:
    with database.write() as conn:  # the parent opens its own lock file first
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('parent', 'wrote')"))
    lock_file = _lock_file(tmp_path / "ref.db")
    assert not _taken_elsewhere(lock_file)

    fork = multiprocessing.get_context("fork")
    holding, release = fork.Event(), fork.Event()
    child = fork.Process(target=_write_and_hold, args=(database, holding, release))
    child.start()
    try:
        assert holding.wait(30), "the child never got its turn to write"
        assert _taken_elsewhere(lock_file)
    finally:
        release.set()
        child.join(30)
    assert child.exitcode == 0
    assert not _taken_elsewhere(lock_file)
    with database.read() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'child'")).scalar() == "wrote"


def test_a_failed_write_gives_up_its_turn(database: Database, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), database.write():
        raise RuntimeError("the operation failed")
    assert not _taken_elsewhere(_lock_file(tmp_path / "ref.db"))
    with database.write() as conn:  # and the next writer of this process gets one
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('after', 'ok')"))

