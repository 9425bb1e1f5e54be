"""The shared per-test PostgreSQL schema (tests/_postgres.py) the suites' fixtures are built on."""

from __future__ import annotations

import pytest
from _postgres import PG_ENV, postgres_schema
from sqlalchemy import create_engine, text


def test_without_a_server_the_test_is_skipped_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PG_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=PG_ENV):
        next(postgres_schema("x"))


@pytest.mark.postgres
def test_a_schema_of_its_own_is_the_search_path_and_is_dropped_afterwards() -> None:
    schemas = postgres_schema("probe")
    url = next(schemas)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            name = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text("CREATE TABLE scratch (x integer)"))
            where = conn.execute(
                text("SELECT table_schema FROM information_schema.tables"
                     " WHERE table_name = 'scratch'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert name.startswith("probe_") and where == name
    with pytest.raises(StopIteration):
        next(schemas)  # runs the clean-up
    admin = create_engine(url)
    try:
        with admin.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :s"),
                {"s": name},
            ).scalar_one()
    finally:
        admin.dispose()
    assert left == 0
