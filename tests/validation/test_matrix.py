"""Validation matrix logic with stand-in suite results: no target is started here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import __version__
from harness.catalogue import requirements_of
from harness.launcher import BUILTIN
from harness.validation import (
    Job,
    JobResult,
    assess,
    plan_validation,
    run_validation,
    validate,
    validation_record,
)
from harness.verdict import ExitCode, Verdict

DEFECTS = sorted(name for name, b in BUILTIN.items() if b.kind == "faulty")


def stand_in(fail: dict[str, set[str]], inconclusive: dict[str, set[str]] | None = None):
    """A runner whose suite fails exactly the ids listed for its target."""
    inconclusive = inconclusive or {}

    def run(job: Job) -> JobResult:
        verdicts = {}
        for rid in requirements_of(job.suite):
            if rid in fail.get(job.target, set()):
                verdicts[rid] = Verdict.FAIL
            elif rid in inconclusive.get(job.target, set()):
                verdicts[rid] = Verdict.INCONCLUSIVE
            else:
                verdicts[rid] = Verdict.PASS
        suite = (Verdict.FAIL if Verdict.FAIL in verdicts.values()
                 else Verdict.INCONCLUSIVE if Verdict.INCONCLUSIVE in verdicts.values()
                 else Verdict.PASS)
        return JobResult(job, suite, verdicts, 0.0)

    return run


def perfect() -> dict[str, set[str]]:
    return {name: set(BUILTIN[name].must_fail) for name in DEFECTS}


def test_quick_plan_runs_correct_systems_everywhere_and_defects_through_their_own_suites():
    jobs = plan_validation("quick")
    by_target: dict[str, set[str]] = {}
    for job in jobs:
        by_target.setdefault(job.target, set()).add(job.suite)
    assert by_target["reference"] == by_target["alternative"] == {
        "fairness", "invariants", "load", "security"}
    for name in DEFECTS:
        owners = {rid[0] for rid in BUILTIN[name].must_fail}
        assert {s[0].upper() for s in by_target[name]} == owners
    assert len(jobs) == len(set(jobs))  # each target started once per suite


def test_full_plan_sends_every_target_through_every_suite():
    jobs = plan_validation("full", ["faulty:sequential-tokens"])
    assert [j.suite for j in jobs] == ["fairness", "invariants", "load", "security"]
    assert {j.assess for j in jobs} == {()}


def test_a_quick_defect_job_assesses_only_the_defects_own_requirements_of_its_suite():
    jobs = plan_validation("quick")
    for job in jobs:
        if BUILTIN[job.target].kind == "faulty":
            assert job.assess and set(job.assess) <= set(BUILTIN[job.target].must_fail)
            assert set(job.assess) <= set(requirements_of(job.suite))
        else:
            assert job.assess == ()
    (sql,) = [j for j in jobs if j.target == "faulty:sql-string-formatting"]
    assert sql.assess == ("S-03", "S-09")


def test_a_restricted_jobs_profile_extends_the_profile_and_assesses_its_ids(tmp_path: Path):
    from harness.profiles import load_profile
    from harness.validation import job_profile

    job = Job("faulty:sql-string-formatting", "security", ("S-03", "S-09"))
    resolved = load_profile(job_profile(job, "quick", tmp_path))
    quick = load_profile("quick")
    assert resolved.assess == ("S-03", "S-09") and resolved.name == "quick"
    assert resolved.sections == quick.sections and resolved.mandatory == quick.mandatory
    assert job_profile(Job("reference", "security"), "full", tmp_path) == "full"


def test_the_longest_expected_runs_start_first_and_results_keep_the_plan_order():
    started: list[Job] = []
    jobs = plan_validation("quick")
    results = run_validation(jobs, lambda job: (started.append(job), stand_in({})(job))[1],
                             parallel=1)
    assert [r.job for r in results] == jobs
    shared = [job for job in started if job.suite != "load"]
    costs = [job.expected_cost for job in shared]
    assert costs == sorted(costs, reverse=True)
    assert shared[0] == Job("reference", "fairness")
    assert [job.suite for job in started[len(shared):]] == ["load"] * (len(jobs) - len(shared))


def test_every_defect_detected_and_correct_systems_pass_exits_zero(tmp_path: Path):
    lines: list[str] = []
    code, document = validate("quick", tmp_path, runner=stand_in(perfect()), say=lines.append)
    assert code == ExitCode.OK
    summary = document["summary"]
    assert summary["defects"] == summary["defects_detected"] == len(DEFECTS)
    assert summary["false_alarms"] == [] and summary["passed"] is True
    written = json.loads((tmp_path / "validation.json").read_text())
    assert written["harness"] == __version__
    assert len(written["runs"]) == len(plan_validation("quick"))
    run = next(r for r in written["runs"] if r["target"] == "faulty:sequential-tokens")
    assert run == {"target": "faulty:sequential-tokens", "suite": "security",
                   "assess": ["S-04"], "verdict": "FAIL", "seconds": 0.0, "problem": None,
                   "out_dir": None}
    assert any(line.startswith("reference") and "certified" in line for line in lines)


def test_inconclusive_own_requirement_is_not_detected(tmp_path: Path):
    fail = perfect()
    victim = "faulty:sequential-tokens"
    fail[victim] = set()
    code, document = validate("quick", tmp_path, runner=stand_in(fail, {victim: {"S-04"}}),
                              say=lambda _: None)
    assert code == ExitCode.FAILED
    assert document["summary"]["undetected"] == [victim]
    row = next(r for r in document["targets"] if r["target"] == victim)
    assert row["observed"]["S-04"] == "INCONCLUSIVE" and row["detected"] is False


def test_other_failures_of_a_defect_are_listed_not_errors(tmp_path: Path):
    fail = perfect()
    fail["faulty:sequential-tokens"] |= {"S-06"}
    code, document = validate("quick", tmp_path, runner=stand_in(fail), say=lambda _: None)
    assert code == ExitCode.OK
    row = next(r for r in document["targets"] if r["target"] == "faulty:sequential-tokens")
    assert row["extra_failures"] == ["S-06"] and row["detected"] is True


def test_a_false_alarm_on_a_correct_system_exits_one(tmp_path: Path):
    fail = perfect() | {"alternative": {"L-02"}}
    code, document = validate("quick", tmp_path, runner=stand_in(fail), say=lambda _: None)
    assert code == ExitCode.FAILED
    assert document["summary"]["false_alarms"] == ["alternative:L-02"]
    assert document["summary"]["correct_passed"] == ["reference"]


def test_an_inconclusive_correct_system_is_not_certified():
    rows = assess(run_validation(plan_validation("quick", ["reference"]),
                                 stand_in({}, {"reference": {"I-03"}})))
    assert len(rows) == 1 and rows[0].ok is False


def test_a_suite_that_never_ran_leaves_the_defect_undetected():
    job = Job("faulty:sequential-tokens", "security")
    rows = assess([JobResult(job, Verdict.INCONCLUSIVE, {}, 5.0, problem="stopped after 5 s")])
    assert rows[0].observed == {"S-04": Verdict.INCONCLUSIVE} and not rows[0].ok
    assert rows[0].problems == ("security: stopped after 5 s",)


def test_load_never_runs_beside_another_suite():
    running: set[str] = set()
    overlaps: list[tuple[str, ...]] = []
    import threading
    import time
    lock = threading.Lock()

    def runner(job: Job) -> JobResult:
        with lock:
            running.add(job.slug)
            overlaps.append(tuple(sorted(running)))
        time.sleep(0.01)
        with lock:
            running.discard(job.slug)
        return stand_in({})(job)

    run_validation(plan_validation("quick", ["reference", "alternative"]), runner)
    assert max(len(o) for o in overlaps) <= 2
    assert all(len(o) == 1 for o in overlaps if any(s.endswith("--load") for s in o))


def test_validation_record_reads_the_summary_and_says_none_when_absent(tmp_path: Path):
    assert validation_record(tmp_path) is None
    assert validation_record(tmp_path / "missing.json") is None
    (tmp_path / "validation.json").write_text("{not json")
    assert validation_record(tmp_path) is None
    validate("quick", tmp_path, runner=stand_in(perfect()), say=lambda _: None)
    record = validation_record(tmp_path / "validation.json")
    assert record is not None
    assert record["defects_detected"] == record["defects"] == len(DEFECTS)
    assert record["harness"] == __version__ and record["false_alarms"] == []
    assert record["passed"] is True and record["when"]


def test_a_record_of_another_harness_version_is_not_this_versions_record(tmp_path: Path):
    validate("quick", tmp_path, runner=stand_in(perfect()), say=lambda _: None)
    path = tmp_path / "validation.json"
    document = json.loads(path.read_text())
    document["harness"] = "0.0.0-other"
    path.write_text(json.dumps(document))
    assert validation_record(path) is None


@pytest.mark.parametrize("argv, fragment", [
    (["--profile", "custom.yaml"], "invalid choice"),
    (["--only", "faulty:no-such-defect"], "unknown target"),
    (["--parallel", "3"], "--parallel"),
    (["--timeout", "0"], "--timeout"),
    (["--seed", "abc"], "--seed must be 64 hex digits"),
    (["--bogus"], "unrecognized argument"),
])
def test_usage_errors_exit_two_in_one_line(capsys, argv, fragment):
    from harness.cli import main

    assert main(["validate", *argv]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_validation_line_says_plainly_when_there_is_no_record(tmp_path: Path):
    from harness.validation import validation_line

    assert validation_line(None) == f"no validation record for harness {__version__}"
    fail = perfect()
    fail["faulty:sequential-tokens"] = set()
    validate("quick", tmp_path, runner=stand_in(fail), say=lambda _: None)
    line = validation_line(validation_record(tmp_path))
    assert f"{len(DEFECTS) - 1} of {len(DEFECTS)} defects detected" in line
    assert "undetected: faulty:sequential-tokens" in line and "false alarms" in line


def test_job_seeds_derive_from_the_master_seed_and_differ_per_run() -> None:
    from harness.validation_jobs import job_seed

    master = "11" * 32
    seeds = {job_seed(master, job) for job in plan_validation("quick")}
    assert len(seeds) == len(plan_validation("quick"))
    assert all(len(seed) == 64 and int(seed, 16) >= 0 for seed in seeds)
    job = plan_validation("quick", ["reference"])[0]
    assert job_seed(master, job) == job_seed(master, job) != job_seed("22" * 32, job)
