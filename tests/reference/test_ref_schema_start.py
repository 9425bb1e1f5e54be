"""Servers started at the same instant on a brand-new database (several hosts behind a load
balancer, or a restart of them all): each creates the schema if it is missing, and none of them
may fail because another was creating it at the same moment."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from targets.reference.db import SCHEMA_VERSION, Database

STARTERS = 5


def _start(url: str, ready: multiprocessing.synchronize.Barrier, errors: Any) -> None:
    db = Database(url)
    try:
        ready.wait(timeout=30)
        db.create_schema()
    except Exception as exc:  # noqa: BLE001 - whatever it is, the parent reports it
        errors.put(f"{type(exc).__name__}: {str(exc)[:300]}")
    finally:
        db.dispose()


@pytest.mark.parametrize("attempt", range(3))
def test_servers_starting_together_on_a_new_database_all_create_the_schema(
    db_url: str, attempt: int
) -> None:
    forked = multiprocessing.get_context("fork")
    ready = forked.Barrier(STARTERS)
    errors = forked.Queue()
    starters = [forked.Process(target=_start, args=(db_url, ready, errors))
                for _ in range(STARTERS)]
    for p in starters:
        p.start()
    for p in starters:
        p.join(timeout=60)
    assert [p.exitcode for p in starters] == [0] * STARTERS
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    engine = create_engine(db_url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
        assert versions.scalars().all() == [SCHEMA_VERSION]
    engine.dispose()
