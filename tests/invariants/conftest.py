"""Fixtures of the invariant-suite tests: PostgreSQL schemas, and the shared fault proxy."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _postgres import postgres_schema

# The fault-injecting proxy lives with the fairness tests; the suites' tests share it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fairness"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema for the test (dropped afterwards), selected through ``search_path``."""
    yield from postgres_schema("inv")
