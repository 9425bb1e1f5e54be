"""From thresholds and reconciliations to verdicts: a saturated generator never fails a target,
and L-04 says INCONCLUSIVE, not PASS, when the crash did not happen or the system did not return."""

from __future__ import annotations

from harness.load.outcome import ThresholdResult, durability, slo_requirement
from harness.load.reconcile import reconcile
from harness.load.statistics import Interval
from harness.load.thresholds import parse_threshold
from harness.verdict import Verdict


def _result(line: str, low: float, high: float, verdict: Verdict) -> ThresholdResult:
    return ThresholdResult(parse_threshold(line), Interval((low + high) / 2, low, high, 0.95, 500),
                           verdict)


def test_a_saturated_generator_turns_an_l01_fail_into_inconclusive_but_keeps_a_pass() -> None:
    slow = [_result("deposit p95 < 500 ms", 900, 1100, Verdict.FAIL)]
    assert slo_requirement("L-01", slow, {}, saturated=False).verdict is Verdict.FAIL
    saturated = slo_requirement("L-01", slow, {}, saturated=True)
    assert saturated.verdict is Verdict.INCONCLUSIVE and not saturated.findings
    assert "saturated" in saturated.summary.text
    fast = [_result("deposit p95 < 500 ms", 90, 110, Verdict.PASS)]
    assert slo_requirement("L-01", fast, {}, saturated=True).verdict is Verdict.PASS


def test_error_thresholds_belong_to_l02_and_latency_ones_to_l01() -> None:
    results = [_result("deposit p95 < 500 ms", 90, 110, Verdict.PASS),
               _result("deposit error_ratio < 1%", 0.02, 0.03, Verdict.FAIL)]
    assert slo_requirement("L-01", results, {}, saturated=False).verdict is Verdict.PASS
    l02 = slo_requirement("L-02", results, {}, saturated=True)
    assert l02.verdict is Verdict.FAIL and l02.findings
    assert [t["metric"] for t in l02.evidence["thresholds"]] == ["error_ratio"]


def test_l04_needs_a_crash_that_happened_and_a_system_that_came_back() -> None:
    clean = reconcile([{"key": "k", "sent_as": "A", "status": 201, "deposit_id": "d",
                        "amount": 1}],
                      [{"deposit_id": "d", "applicant_id": "A", "idempotency_key": "k",
                        "amount": 1}], ["A"])
    assert durability(clean, {"triggered": False}, {}).verdict is Verdict.INCONCLUSIVE
    failed = {"triggered": True, "restart_failed": True, "came_back": True, "problem": "exit 3"}
    assert durability(clean, failed, {}).verdict is Verdict.INCONCLUSIVE
    gone = {"triggered": True, "came_back": False}
    assert durability(None, gone, {}).verdict is Verdict.INCONCLUSIVE
    fine = {"triggered": True, "came_back": True, "acknowledged_before": 1, "down_s": 1.0}
    assert durability(clean, fine, {}).verdict is Verdict.PASS
    acked = [{"key": "k", "sent_as": "A", "status": 201, "deposit_id": "d", "amount": 1}]
    assert durability(reconcile(acked, [], ["A"]), fine, {}).verdict is Verdict.FAIL
