"""A PostgreSQL schema of the test's own, for the suites' tests that run against a real server.

The server is named by ``HARNESS_TEST_POSTGRES_URL``; without it the test is skipped and says why.
Each test gets a fresh schema (selected through ``search_path``, so the code under test needs no
schema name) that is dropped afterwards, so tests never see each other's rounds.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

__all__ = ["PG_ENV", "postgres_schema"]

PG_ENV = "HARNESS_TEST_POSTGRES_URL"


def postgres_schema(prefix: str) -> Iterator[str]:
    """Yield the URL of a new schema named ``<prefix>_<random hex>``; drop it afterwards.

    Written as a generator for fixtures: ``yield from postgres_schema("t")``.
    """
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    schema = f"{prefix}_{secrets.token_hex(6)}"
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
