"""A target that misbehaves gets INCONCLUSIVE or FAIL with evidence for the requirements it
affects, never a traceback or a hang: a correct reference behind a proxy that injects one fault."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from _faultproxy import Rule, fault_proxy
from _kit import run, settings, verdicts
from _stub import FakeResponse

from harness.invariants.outcome import requirement_results
from harness.invariants.suite import build_engine, run_engine
from harness.launcher import LaunchedTarget, launch
from harness.seeds import RunSeed
from harness.target import HttpTarget

pytestmark = pytest.mark.slow
RID = r"/v1/rounds/lab-[0-9a-f]{8}-[lm][0-9]+-[a-z]"
FAST = settings(lifecycle_examples=6, machine_examples=3, machine_steps=10, max_people=6,
                lifecycle_time_bound=30, machine_time_bound=20, shrink_time_bound=10,
                min_completed_examples=3, request_deadline=2)


@pytest.fixture(scope="module")
def reference() -> Iterator[LaunchedTarget]:
    with launch("reference", lab=False) as target:
        yield target


def _behind(reference: LaunchedTarget, rules: list[Rule], chosen=FAST):
    """Each run its own seed: the rounds of one run never collide with another's."""
    _behind.runs = getattr(_behind, "runs", 0) + 1  # type: ignore[attr-defined]
    with fault_proxy(reference.base_url, rules) as url:
        return run(url, reference.admin_token, chosen, seed=f"{_behind.runs:064x}")


def test_a_server_error_on_me_leaves_i02_inconclusive_with_the_exchange(reference) -> None:
    html = (500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>")
    result = _behind(reference, [Rule("GET", RID + "/me", lambda a: html)])
    found = verdicts(result)
    assert found["I-02"] == "INCONCLUSIVE" and "FAIL" not in found.values(), found
    interruption = result.evidence["interruptions"][0]
    assert interruption["reason"] == "server_error" and interruption["requirement"] == "I-02"
    assert interruption["exchange"]["status"] == 500
    assert "Internal Server Error" in interruption["exchange"]["response"]


def test_garbage_results_fail_i05_with_the_answer_in_evidence(reference) -> None:
    garbage = (200, {"Content-Type": "application/json"}, b"{not json")
    result = _behind(reference, [Rule("GET", RID + "/results", lambda a: garbage)])
    found = verdicts(result)
    assert found["I-05"] == "FAIL", found
    (failed,) = [r for r in result.requirements if r.id == "I-05"]
    evidence = failed.findings[0].evidence
    shown = evidence["requests"][evidence["violation"]["exchange"] - 1]
    assert shown["path"].endswith("/results") and shown["response"] == "{not json"


def test_a_silent_target_is_inconclusive_within_the_time_bounds(reference) -> None:
    began = time.monotonic()
    silent = Rule("POST", RID + "/registrations", lambda a: a, delay=3.0)
    result = _behind(reference, [silent], settings(
        lifecycle_examples=6, machine_examples=3, machine_steps=10, max_people=6,
        lifecycle_time_bound=6, machine_time_bound=4, shrink_time_bound=5,
        min_completed_examples=3, request_deadline=1))
    found = verdicts(result)
    assert "FAIL" not in found.values() and found["I-06"] == "INCONCLUSIVE", found
    assert result.evidence["requests"].get("no_answer", 0) > 0
    assert time.monotonic() - began < 60


def _every_other_deposit(answer):
    _every_other_deposit.n = getattr(_every_other_deposit, "n", 0) + 1  # type: ignore[attr-defined]
    if _every_other_deposit.n % 2:  # type: ignore[attr-defined]
        return 503, {"Content-Type": "application/json", "Retry-After": "0"}, \
            b'{"error": "unavailable", "message": "shedding load"}'
    return answer


def test_a_503_after_the_deposit_was_recorded_is_retried_with_the_same_key(reference) -> None:
    """The proxy forwards, then answers 503: the deposit was recorded. The retry with the same
    Idempotency-Key gets the original's 200 replay, which the contract allows."""
    result = _behind(reference, [Rule("POST", RID + "/deposits", _every_other_deposit)])
    found = verdicts(result)
    assert set(found.values()) == {"PASS"}, found
    assert result.evidence["requests"]["status_503"] > 0


class _Shedding:
    """A client that, like a system shedding load, answers every other deposit with 503
    without sending it; everything else goes to the real target."""

    def __init__(self, client: HttpTarget, counter: list[int]) -> None:
        self.client, self.counter = client, counter

    def clone(self) -> _Shedding:
        return _Shedding(self.client.clone(), self.counter)

    def request(self, method: str, path: str, **kwargs):
        if method == "POST" and path.endswith("/deposits"):
            self.counter[0] += 1
            if self.counter[0] % 2:
                return FakeResponse(503, b'{"error": "unavailable", "message": "busy"}',
                                    {"Retry-After": "0", "Content-Type": "application/json"})
        return self.client.request(method, path, **kwargs)


def test_load_shedding_is_retried_and_counted_never_judged(reference) -> None:
    with HttpTarget(reference.base_url, reference.admin_token) as client:
        engine = build_engine(_Shedding(client, [0]), reference.admin_token, FAST,
                              RunSeed.parse("5d" * 32))
        run_engine(engine, FAST)
    found = {r.id: r.verdict.value for r in requirement_results(engine, FAST)}
    assert set(found.values()) == {"PASS"}, found
    assert engine.wire.counts["status_503"] > 0


def test_a_failure_that_does_not_reproduce_is_reported_unshrunk_as_fail(reference) -> None:
    """/me lies once only: hypothesis's replays all pass, and the run still says FAIL, from the
    first failing example, marked as not reproduced (never hypothesis's Flaky error)."""
    state = {"hits": 0}

    def lie_once(answer):
        state["hits"] += 1
        status, headers, content = answer
        if state["hits"] == 1 and status == 200:
            body = json.loads(content)
            body["applicant_id"] = "x" + body["applicant_id"][:63]
            return status, headers, json.dumps(body).encode()
        return answer

    result = _behind(reference, [Rule("GET", RID + "/me", lie_once)])
    found = verdicts(result)
    assert found["I-02"] == "FAIL", found
    (failed,) = [r for r in result.requirements if r.id == "I-02"]
    evidence = failed.findings[0].evidence
    assert evidence["shrunk"] is False and evidence["reproduced"] is False
    assert "did not fail again" in evidence["note"]
    assert "not reproduced on replay" in failed.summary.text
