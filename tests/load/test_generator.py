"""The generator process: locust stays out of the harness's process, every wait is bounded, and
a generator that dies or a target that does not answer ends a rush with a reason, not a hang."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from _loadkit import small_profile

from harness.launcher import launch
from harness.load.generator import Generator, GeneratorError
from harness.load.plan import health_scripts, plan

pytestmark = pytest.mark.load


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_rush_runs_in_another_process_and_comes_back_as_raw_samples(tmp_path: Path) -> None:
    settings = small_profile(tmp_path).section("load")
    with launch("reference") as launched, Generator(tmp_path) as generator:
        rush = generator.run(plan("healthz", launched.base_url, None, settings,
                                  health_scripts(settings)))
    assert rush.completed and rush.workers == 0 and len(rush.cpu) == 1
    statuses = {row[2] for row in rush.samples.rows}
    assert statuses == {200} and len(rush.samples.rows) > settings.users
    assert all(row[1] == "healthz" and row[3] > 0 for row in rush.samples.rows)
    # locust patches the process it runs in: never this one
    assert "locust" not in sys.modules and "gevent" not in sys.modules


def test_a_closed_port_is_recorded_as_errors_and_the_rush_ends(tmp_path: Path) -> None:
    settings = small_profile(tmp_path).section("load")
    with Generator(tmp_path) as generator:
        rush = generator.run(plan("healthz", f"http://127.0.0.1:{_closed_port()}", None,
                                  settings, health_scripts(settings)))
    summary = rush.samples.summary("healthz")
    assert summary["requests"] > 0 and summary["errors"] == summary["requests"]
    assert summary["statuses"] == {"0": summary["requests"]}


def test_a_generator_that_dies_raises_with_the_reason(tmp_path: Path) -> None:
    settings = small_profile(tmp_path).section("load")
    generator = Generator(tmp_path)
    generator.process.kill()
    with pytest.raises(GeneratorError, match="exited|stopped taking commands"):
        generator.run(plan("healthz", "http://127.0.0.1:9", None, settings,
                           health_scripts(settings)))
    generator.close()


def test_a_master_without_its_workers_gives_up_in_time(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError, match="0 of 2 workers"):
        Generator(tmp_path, expect_workers=2, bind_port=_closed_port(), workers_timeout=2)
