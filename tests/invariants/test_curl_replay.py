"""The curl script of an example replays it against a live system: same requests, same answers,
fresh rounds and national ids, tokens captured from the registrations that issue them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter

import pytest

from harness.invariants.curl import render_curl
from harness.invariants.example import Example, RunIds
from harness.invariants.lifecycle import run_lifecycle
from harness.invariants.people import BadId
from harness.invariants.strategies import Entry, LifecyclePlan
from harness.invariants.wire import Wire
from harness.launcher import launch

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")]

# Everyone eligible is a primary (K = E, R = 0), so every answer is the same in any replay.
PLAN = LifecyclePlan(
    primary_slots=3, reserve_slots=0, deposit_amount=500, previous_winners=1,
    entries=(Entry(1), Entry(2), Entry(3), Entry(2), Entry(0), Entry(1, BadId.CHECK_DIGIT)),
    late_entries=(Entry(4),), beacon_source="replay test", beacon="BEEF",
    primary_pay=("pay", "wrong_then_pay", "replay"), promoted_pay=("pay",), others_try=True,
)


def _statuses(text: str) -> list[int]:
    return [int(code) for code in re.findall(r"^-> (\d{3})$", text, re.MULTILINE)]


def test_the_script_replays_the_example_with_the_same_answers(tmp_path) -> None:
    with launch("reference", lab=False) as target, target.connect() as client:
        wire = Wire(client, retries=0, retry_after_cap=0, clones=client.clone)
        ids = RunIds(lambda purpose: f"lab-c0ffee00-{purpose}", 4242, 10)
        ex = Example(wire, target.admin_token, ids, "lifecycle", Counter(),
                     lambda *a: None, lambda *a: None)
        run_lifecycle(ex, PLAN)
        script = render_curl("a test example", ex.wire.trace, ex.people, list(ex.world.rounds))
        assert target.admin_token not in script
        path = tmp_path / "replay.sh"
        path.write_text(script)
        env = dict(os.environ, BASE=target.base_url, OPERATOR_TOKEN=target.admin_token)
        done = subprocess.run(["sh", str(path)], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    replayed = sorted(_statuses(done.stdout + done.stderr))
    original = sorted(x.reply.status for x in ex.wire.trace.exchanges)
    assert replayed == original
    assert "lab-c0ffee00" not in done.stdout  # the replay made rounds of its own
    assert "UNKNOWN_TOKEN" not in script
