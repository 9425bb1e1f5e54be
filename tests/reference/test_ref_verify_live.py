"""``harness draw --verify --target URL --round RID``: a citizen's check of a live round, against
a real reference server process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _refkit import ADMIN, running_server
from _systems import drawn_round
from sqlalchemy import create_engine, text

from harness.cli import main
from harness.fairness.replay import results_digest
from harness.target import HttpTarget

pytestmark = pytest.mark.slow

RID = "R-live"


def verify(base_url: str, round_id: str = RID) -> int:
    return main(["draw", "--verify", "--target", base_url, "--round", round_id])


def test_a_published_round_verifies_live(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    with HttpTarget(server, ADMIN) as t:
        drawn_round(t, RID, 25, 4, 3)
        t.create_round("R-open", 2, 1, 100)
    assert verify(server) == 0
    out = capsys.readouterr().out
    assert "primary_slots agrees with the round (4)" in out
    assert "reserve size: 3 ids" in out and "the served list hashes to the digest" in out
    assert out.strip().endswith("the published draw replays exactly")
    for round_id in ("no-such-round", "R-open"):  # 404, then 409 not_drawn: no draw to check
        assert verify(server, round_id) == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"/v1/rounds/{round_id}/results" in err


def tamper_results(db_url: str, change: Any) -> None:
    """Rewrite the published results behind the service's back (the append-only trigger is
    dropped first: this stands for a system that publishes something else)."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER results_no_update"))
            body = json.loads(conn.execute(text("SELECT body FROM results")).scalar_one())
            change(body)
            conn.execute(text("UPDATE results SET body = :b"), {"b": json.dumps(body)})
    finally:
        engine.dispose()


def shift_boundary(body: dict[str, Any]) -> None:
    """One reserve moved into the primary list, slot fields and digest made consistent."""
    body["primary"].append(body["reserve"].pop(0))
    body["primary_slots"] += 1
    body["reserve_slots"] -= 1
    body["results_digest"] = results_digest(body)


def test_a_slot_shift_consistent_in_the_results_is_caught_against_the_round(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_server(sqlite_url, tmp_path) as base, HttpTarget(base, ADMIN) as t:
        drawn_round(t, RID, 20, 3, 2)
        tamper_results(sqlite_url, shift_boundary)
        assert t.results(RID)["primary_slots"] == 4
        assert verify(base) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == (
        "the published draw does not replay: primary_slots: the results say 4, the round says 3"
    )
    assert "FAIL reserve_slots: the results say 1, the round says 2" in out


def test_results_without_slot_fields_are_a_usage_error(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_server(sqlite_url, tmp_path) as base, HttpTarget(base, ADMIN) as t:
        drawn_round(t, RID, 10, 3, 2)
        tamper_results(sqlite_url, lambda body: body.pop("reserve_slots"))
        assert verify(base) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "field 'reserve_slots' is missing" in err
