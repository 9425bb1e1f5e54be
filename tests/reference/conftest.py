"""Fixtures for the reference system: databases, the app in-process, the app as a real server."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from _refkit import ADMIN, running_server
from _transports import in_process
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from harness.target import HttpTarget
from targets.reference.app import create_app
from targets.reference.config import Settings

PG_ENV = "HARNESS_TEST_POSTGRES_URL"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reference.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema per test (dropped afterwards), selected through ``search_path``."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


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
