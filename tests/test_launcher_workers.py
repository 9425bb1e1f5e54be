"""A built-in target with several server processes: all of them serve, and a kill reaches all."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.launcher import launch


def _session(pid: int) -> set[int]:
    """The processes of ``pid``'s session (read from /proc)."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pid and fields[0] != "Z":  # session id, not a zombie
            members.add(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_two_workers_serve_and_a_restart_kills_every_one_of_them() -> None:
    with launch("reference", workers=2) as launched:
        first = _session(launched.process.pid)
        assert len(first) == 3  # the parent and two server processes
        with launched.connect() as client:
            assert client.health()["contract"] == "ASTI-1"
        again = launched.restart()
        assert not _session(launched.process.pid)  # the old parent and its workers are gone
        assert len(_session(again.process.pid)) == 3
        with again.connect() as client:
            assert client.health()["contract"] == "ASTI-1"
        parent = again.process.pid
    assert not _session(parent)


def test_the_alternative_runs_as_one_process() -> None:
    with pytest.raises(UsageError, match="one process"), launch("alternative", workers=2):
        pass


def test_serve_refuses_workers_out_of_range_or_for_the_alternative(
    capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.cli import main

    assert main(["serve", "--target", "reference", "--workers", "0", "--port", "1"]) == 2
    assert "--workers must be 1 to 64" in capsys.readouterr().err
    assert main(["serve", "--target", "alternative", "--workers", "2"]) == 2
    assert "--workers is for the reference" in capsys.readouterr().err
