"""Fixtures of the load-suite tests: a fresh PostgreSQL schema when a server is configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _postgres import postgres_schema


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A schema of its own (dropped afterwards), selected through ``search_path``."""
    yield from postgres_schema("load")
