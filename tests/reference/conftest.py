"""Fixtures for the reference system: databases, the app in-process, the app as a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _postgres import postgres_schema
from _refkit import ADMIN, running_server
from _transports import in_process
from fastapi.testclient import TestClient

from harness.target import HttpTarget
from targets.reference.app import create_app
from targets.reference.config import Settings


@pytest.fixture(autouse=True)
def _keys_stay_in_the_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Instance keys of PostgreSQL-backed servers default to the user's state directory; keep
    them in the test's own directory (server processes inherit the environment)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("REFERENCE_KEY", raising=False)
    monkeypatch.delenv("REFERENCE_KEY_FILE", raising=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reference.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema per test (dropped afterwards), selected through ``search_path``."""
    yield from postgres_schema("t")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


def _in_process(url: str, lab: bool) -> Iterator[HttpTarget]:
    app = create_app(Settings(admin_token=ADMIN, database_url=url, lab=lab))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield in_process(client, ADMIN)


@pytest.fixture
def target(sqlite_url: str) -> Iterator[HttpTarget]:
    """The reference in-process on SQLite, without lab mode."""
    yield from _in_process(sqlite_url, lab=False)


@pytest.fixture
def lab_target(sqlite_url: str) -> Iterator[HttpTarget]:
    yield from _in_process(sqlite_url, lab=True)


@pytest.fixture
def any_db_target(db_url: str) -> Iterator[HttpTarget]:
    """The reference in-process, once per database engine."""
    yield from _in_process(db_url, lab=False)


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A real server process (``python -m targets.reference``) on a free loopback port."""
    with running_server(db_url, tmp_path) as base_url:
        yield base_url
