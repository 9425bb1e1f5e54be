"""The databases the benchmarks run the reference on: a scratch SQLite file, and PostgreSQL in a
scratch schema when one is reachable (``HARNESS_TEST_POSTGRES_URL``, else the local default)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

__all__ = ["LOCAL_POSTGRES", "postgres_url", "scratch_schema"]

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """The PostgreSQL URL to benchmark on, or None when none answers."""
    url = os.environ.get("HARNESS_TEST_POSTGRES_URL") or LOCAL_POSTGRES
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError:
        return None
    return url


@contextmanager
def scratch_schema(base: str, application: str | None = None) -> Iterator[str]:
    """A URL whose sessions work in a new schema (dropped afterwards), optionally naming their
    ``application_name`` so their CPU can be found."""
    schema = "bench_" + secrets.token_hex(4)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        query = {"options": f"-csearch_path={schema}"}
        if application is not None:
            query["application_name"] = application
        yield make_url(base).update_query_dict(query).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()
