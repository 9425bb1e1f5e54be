"""Fixtures: the alternative system as a real server process on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _altkit import ADMIN, Server, running

from harness.target import HttpTarget


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server with lab mode for a whole test module; tests use their own round ids."""
    with running(tmp_path_factory.mktemp("alt") / "alt.db", lab=True) as server:
        yield server


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without lab mode."""
    with running(tmp_path_factory.mktemp("alt") / "alt.db") as server:
        yield server


@pytest.fixture
def alt(lab_server: Server) -> Iterator[HttpTarget]:
    with HttpTarget(lab_server.url, ADMIN) as target:
        yield target


@pytest.fixture
def alt_plain(plain_server: Server) -> Iterator[HttpTarget]:
    with HttpTarget(plain_server.url, ADMIN) as target:
        yield target
