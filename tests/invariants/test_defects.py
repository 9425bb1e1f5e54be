"""Each invariant defect of targets/faulty fails its own requirement over HTTP, and only that one,
with a shrunk example in the evidence: its requests and answers, tokens redacted, and a curl
script that replays it.

Detection does not hang on luck: every lifecycle example draws its round a second time (the
redraw defect), three lifecycle plans in four are crowds, and every crowd example meets the other
six defects (a duplicate, a dropped registration, reserves, a wrong amount, deposits before a
results read, f >= 2 forfeits with at least f + 2 reserves drawn). Only the
promotion defect depends on the draw: a crowd misses it only when the f reserves it promotes by
applicant id happen to be the first f by rank, at most 1/C(f + 2, f) <= 1/6. This seed plans at
least 7 crowds among its 14 lifecycle examples (test_suite_reference.py checks it), so the miss
rate is below (1/6)**7 < 4e-6.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from _kit import SEED, as_json, run, verdicts

from harness.events import RecordingSink
from harness.launcher import launch
from harness.profiles import load_profile
from harness.runner import run_suite
from harness.seeds import RunSeed
from harness.suites import SuiteTarget, get_suite
from targets.faulty import DEFECTS

pytestmark = pytest.mark.slow

INVARIANT_DEFECTS = sorted(name for name, d in DEFECTS.items()
                           if set(d.must_fail) <= {f"I-0{i}" for i in range(1, 7)})


def test_there_is_a_defect_for_each_invariant() -> None:
    owned = {DEFECTS[name].must_fail[0] for name in INVARIANT_DEFECTS}
    assert owned == {"I-01", "I-02", "I-03", "I-04", "I-05", "I-06"}


@pytest.mark.parametrize("defect", INVARIANT_DEFECTS)
def test_a_defect_fails_its_invariant_with_a_shrunk_example(defect: str) -> None:
    (own,) = DEFECTS[defect].must_fail
    with launch(f"faulty:{defect}", lab=False) as target:
        result = run(target.base_url, target.admin_token)
        token = target.admin_token
    found = verdicts(result)
    assert found[own] == "FAIL", found
    assert "FAIL" not in {v for rid, v in found.items() if rid != own}, found
    (failed,) = [r for r in result.requirements if r.id == own]
    evidence = failed.findings[0].evidence
    requests = evidence["requests"]
    assert evidence["violation"]["requirement"] == own
    assert requests and requests[-1]["n"] == len(requests)
    assert evidence["violation"]["exchange"] in {row["n"] for row in requests}
    assert "curl -sS -X POST" in evidence["curl"] and "$OPERATOR_TOKEN" in evidence["curl"]
    assert token not in as_json(result) and "Bearer " + token not in json.dumps(requests)
    sizes = {m.name: m.value for m in failed.measurements}
    assert sizes["example_requests"] == len(requests)
    assert sizes["example_requests"] <= sizes["first_failure_requests"]


def test_a_run_assessing_only_the_defects_requirement_stops_at_its_first_fail() -> None:
    """What harness validate runs: the failing example is replayed (reproduced), not shrunk,
    and the state machine never starts."""
    profile = replace(load_profile("quick"), assess=("I-05",))
    with launch("faulty:results-redrawable", lab=False) as target:
        result = run_suite(get_suite("invariants"),
                           SuiteTarget("t", target.base_url, target.admin_token),
                           profile, RunSeed.parse(SEED), RecordingSink())
    found = verdicts(result)
    assert found.pop("I-05") == "FAIL" and set(found.values()) == {"NOT_APPLICABLE"}
    assert "machine_s" not in result.evidence["timing"]
    assert result.evidence["examples"]["stopped_at_first_fail"] == 1
    assert "lifecycle_time_bound_reached" not in result.evidence["examples"]
    (failed,) = [r for r in result.requirements if r.id == "I-05"]
    evidence = failed.findings[0].evidence
    assert evidence["reproduced"] is True and evidence["shrunk"] is False
    assert evidence["violation"]["message_id"] == "invariants.results_redrawn"
    params = evidence["violation"]["params"]
    assert params["digest_before"] != params["digest_after"]
    shown = evidence["requests"][evidence["violation"]["exchange"] - 1]
    assert shown["method"] == "POST" and shown["path"].endswith("/draw")
    assert shown["status"] == 200
