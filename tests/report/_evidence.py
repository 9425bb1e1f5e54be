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
