"""harness.runner: a suite's crash or omission never escapes; its requirements go INCONCLUSIVE;
requirements the profile does not assess are NOT_APPLICABLE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from harness import suites
from harness.errors import UsageError
from harness.events import RecordingSink
from harness.profiles import load_profile
from harness.results import Message, RequirementResult, SuiteResult
from harness.runner import run_suite
from harness.seeds import RunSeed
from harness.suites import Suite, get_suite, register_suite
from harness.verdict import Verdict

IDS = ("S-01", "S-02", "S-03", "S-04", "S-05", "S-06", "S-07", "S-08", "S-09")
SEED = RunSeed(bytes(32))
QUICK = load_profile("quick")


@dataclass(frozen=True)
class _Settings:
    size: int = 1


def _suite(run: Any) -> Suite:
    return Suite("security", IDS, _Settings, run)


def _passing(ids: tuple[str, ...]) -> SuiteResult:
    ok = Message.of("test.ok", "fine")
    results = tuple(RequirementResult.of(rid, Verdict.PASS, ok) for rid in ids)
    return SuiteResult("security", results, "t0", "t1")


def test_a_suite_that_raises_leaves_every_requirement_inconclusive_with_the_reason() -> None:
    def explode(*_: Any) -> SuiteResult:
        raise ZeroDivisionError("the probe divided by zero")

    events = RecordingSink()
    result = run_suite(_suite(explode), None, QUICK, SEED, events)
    assert [r.verdict for r in result.requirements] == [Verdict.INCONCLUSIVE] * len(IDS)
    first = result.requirements[0]
    assert first.evidence["error"]["type"] == "ZeroDivisionError"
    assert "the probe divided by zero" in first.summary.text
    assert first.summary.id == "suite.crashed"
    assert [r.id for r in events.of_kind("requirement")] == list(IDS)
    assert events.of_kind("suite_finished") == [result]


def test_a_usage_error_inside_a_suite_is_contained_too() -> None:
    def refuse(*_: Any) -> SuiteResult:
        raise UsageError("refused the operator token")

    result = run_suite(_suite(refuse), None, QUICK, SEED, RecordingSink())
    assert {r.verdict for r in result.requirements} == {Verdict.INCONCLUSIVE}


def test_a_requirement_the_suite_forgot_is_inconclusive_and_order_follows_the_catalogue() -> None:
    def partial(*_: Any) -> SuiteResult:
        return _passing(tuple(reversed(IDS[:-1])))

    result = run_suite(_suite(partial), None, QUICK, SEED, RecordingSink())
    assert [r.id for r in result.requirements] == list(IDS)
    assert result.requirements[-1].verdict is Verdict.INCONCLUSIVE
    assert result.requirements[-1].summary.id == "suite.requirement_missing"
    assert all(r.verdict is Verdict.PASS for r in result.requirements[:-1])


def test_a_suite_claiming_another_suites_requirement_is_treated_as_a_crash() -> None:
    def greedy(*_: Any) -> SuiteResult:
        return _passing(IDS + ("F-01",))

    result = run_suite(_suite(greedy), None, QUICK, SEED, RecordingSink())
    assert {r.verdict for r in result.requirements} == {Verdict.INCONCLUSIVE}
    assert "F-01" in result.evidence["error"]["reason"]


def test_registration_checks_the_suite_name_and_its_catalogue_ids() -> None:
    with pytest.raises(ValueError, match="unknown suite"):
        register_suite("speed", IDS, _Settings)
    with pytest.raises(ValueError, match="must assess"):
        register_suite("security", IDS[:-1], _Settings)


def test_a_suite_not_built_yet_is_a_usage_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suites, "_load", lambda name: None)  # as if harness/security/ were absent
    with pytest.raises(UsageError, match="security suite is not built"):
        get_suite("security")
    with pytest.raises(UsageError, match="unknown suite"):
        get_suite("speed")


def _assessing(tmp_path: Any, ids: str) -> Any:
    path = tmp_path / "assess.yaml"
    path.write_text(f"extends: quick\nassess: [{ids}]\n")
    return load_profile(str(path))


def test_requirements_the_profile_does_not_assess_are_not_applicable(tmp_path: Any) -> None:
    def failing(*_: Any) -> SuiteResult:
        bad = Message.of("test.bad", "broken")
        return SuiteResult("security", tuple(RequirementResult.of(rid, Verdict.FAIL, bad)
                                             for rid in IDS), "t0", "t1")

    profile = _assessing(tmp_path, "S-04, F-01")
    result = run_suite(_suite(failing), None, profile, SEED, RecordingSink())
    verdicts = {r.id: r.verdict for r in result.requirements}
    assert verdicts.pop("S-04") is Verdict.FAIL
    assert set(verdicts.values()) == {Verdict.NOT_APPLICABLE}
    skipped = result.requirements[0].summary
    assert skipped.id == "suite.not_in_assessment" and "F-01, S-04" in skipped.text


def test_a_suite_with_nothing_to_assess_is_not_run(tmp_path: Any) -> None:
    ran: list[bool] = []

    def run(*_: Any) -> SuiteResult:
        ran.append(True)
        return _passing(IDS)

    events = RecordingSink()
    result = run_suite(_suite(run), None, _assessing(tmp_path, "F-06"), SEED, events)
    assert ran == [] and {r.verdict for r in result.requirements} == {Verdict.NOT_APPLICABLE}
    assert [r.id for r in events.of_kind("requirement")] == list(IDS)
