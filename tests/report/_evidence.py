"""A certification evidence document built from in-memory suite results (no target needed)."""

from __future__ import annotations

from typing import Any

from harness.catalogue import SUITES, requirements_of
from harness.evidence import build_evidence
from harness.profiles import load_profile
from harness.results import Finding, Message, RequirementResult, Severity, SuiteResult
from harness.seeds import RunSeed
from harness.verdict import Verdict

SEED = RunSeed(bytes(range(32)))
TARGET = {"spec": "reference", "name": "reference", "base_url": "http://127.0.0.1:1",
          "identity": {"status": "ok", "system": "x", "contract": "ASTI-1"}}


def _result(rid: str, verdict: Verdict) -> RequirementResult:
    findings = ()
    if verdict is Verdict.FAIL:
        findings = (Finding(Severity.HIGH, Message.of("m.bad", "{rid} broke <here> & there",
                                                      rid=rid),
                            Message.of("m.fix", "repair it"), {"request": "GET /x"}, None,
                            None),)
    return RequirementResult.of(rid, verdict, Message.of("t", "{rid} judged {v}", rid=rid,
                                                         v=verdict.value),
                                findings=findings, evidence={"p": 0.5})


def certification_evidence(verdicts: dict[str, Verdict] | None = None) -> dict[str, Any]:
    """Every suite, every requirement PASS unless ``verdicts`` says otherwise."""
    chosen = verdicts or {}
    suites = [
        SuiteResult(name, tuple(_result(rid, chosen.get(rid, Verdict.PASS))
                                for rid in requirements_of(name)),
                    "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", {"n": 1})
        for name in SUITES
    ]
    return build_evidence(scope="certification", seed=SEED, profile=load_profile("quick"),
                          target=TARGET, suites=suites, started_at="2026-01-01T00:00:00Z",
                          finished_at="2026-01-01T00:00:09Z",
                          laboratory={"name": "Lab <One>", "authorised_by": "A. Person"})


def with_plot_data(evidence: dict[str, Any]) -> dict[str, Any]:
    """``evidence`` with figure data in the shapes the fairness and load suites record, and a
    real round with a beacon in F-06."""
    fairness = next(s for s in evidence["suites"] if s["suite"] == "fairness")
    by_id = {r["id"]: r for r in fairness["requirements"]}
    by_id["F-01"]["evidence"]["plots"] = {
        "qq": {"expected": [0.1, 0.5, 0.9], "observed": [0.12, 0.48, 0.93]},
        "histogram": {"count": [0, 1, 2], "observed": [5, 9, 4], "expected": [5.5, 8.0, 4.5]},
        "rate_by_position": {"expected": 0.3, "level": 0.95, "rate": [0.28, 0.31],
                             "lower": [0.25, 0.27], "upper": [0.31, 0.35], "sizes": [10, 10]},
        "rank_table": {"expected": [[2.0, 2.0], [2.0, 2.0]], "observed": [[1, 3], [2, 2]]},
    }
    by_id["F-01"]["evidence"]["decision_rule"] = {
        "alpha": 0.01, "power_target": 0.9, "text": "Holm at family-wise alpha = 0.01"}
    by_id["F-01"]["measurements"] = [{"name": "chi2: power", "unit": "1", "value": 0.95}]
    by_id["F-06"]["evidence"]["rounds"] = [{
        "round_id": "lab-x-replay0", "beacon": "ab" * 32, "beacon_source": "chosen by the lab",
        "verdict": "PASS"}]
    load = next(s for s in evidence["suites"] if s["suite"] == "load")
    load["evidence"]["rushes"] = {"deposit": {"timeline": [
        {"endpoint": "deposit", "second": second, "requests": 40 + second, "errors": 0,
         "p50_ms": 20.0, "p95_ms": 60.0 + second, "max_ms": 90.0} for second in range(5)]}}
    return evidence
