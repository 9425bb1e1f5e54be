"""Fixtures for the contract tests."""

from typing import Any

import pytest
from _openapi_kit import load_spec


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()
