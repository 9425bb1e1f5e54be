"""Method validation: the harness run against systems whose faults are known (DESIGN.md section 8).

``plan_validation`` lists the jobs: each correct system (reference, alternative) through every
suite, and each faulty target through the suites owning its ``must_fail`` ids, assessing only
those ids (every suite and every requirement with ``--profile full``). ``run_validation``
(``harness.validation_jobs``) runs each job as its own ``harness <suite>`` process and reads only
what that run wrote. ``assess`` turns those results into the matrix; ``validation_record`` is
what a certification report copies from ``validation.json``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import __version__
from harness.catalogue import SUITES, requirement
from harness.errors import UsageError
from harness.jsonable import dumps
from harness.launcher import BUILTIN, listing_order
from harness.results import Message
from harness.seeds import RunSeed, utc_now
from harness.validation_jobs import (
    Job,
    JobResult,
    JobRunner,
    job_profile,
    run_validation,
    subprocess_runner,
)
from harness.verdict import ExitCode, Verdict

__all__ = ["DEFAULT_VALIDATION_DIR", "VALIDATION_FILE", "Job", "JobResult", "TargetRow", "assess",
           "format_matrix", "job_profile", "plan_validation", "run_validation",
           "subprocess_runner", "validate", "validation_document", "validation_entry",
           "validation_line", "validation_record", "write_validation"]

VALIDATION_FILE = "validation.json"


@dataclass(frozen=True)
class TargetRow:
    """One row of the matrix."""

    target: str
    kind: str
    must_fail: tuple[str, ...]
    observed: Mapping[str, Verdict]
    suite_verdicts: Mapping[str, Verdict]
    extra_failures: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def correct(self) -> bool:
        return self.kind != "faulty"

    @property
    def ok(self) -> bool:
        """A defect is detected when each of its own requirements is FAIL (INCONCLUSIVE is not);
        a correct system passes when every suite it went through is PASS."""
        if self.correct:
            return bool(self.suite_verdicts) and all(
                v is Verdict.PASS for v in self.suite_verdicts.values())
        return all(self.observed.get(rid) is Verdict.FAIL for rid in self.must_fail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "kind": self.kind, "must_fail": list(self.must_fail),
            "observed": {rid: v.value for rid, v in sorted(self.observed.items())},
            "suite_verdicts": {s: v.value for s, v in sorted(self.suite_verdicts.items())},
            ("passed" if self.correct else "detected"): self.ok,
            "extra_failures": list(self.extra_failures), "problems": list(self.problems),
        }


def _suites_of(ids: Iterable[str]) -> list[str]:
    owners = {requirement(rid).suite for rid in ids}
    return [suite for suite in SUITES if suite in owners]


def plan_validation(profile: str, only: Sequence[str] | None = None) -> list[Job]:
    """The jobs of a validation, correct systems first; ``only`` keeps the named targets."""
    names = sorted(BUILTIN, key=listing_order)
    if only:
        unknown = [name for name in only if name not in BUILTIN]
        if unknown:
            raise UsageError(f"--only: unknown target {unknown[0]!r}; see harness targets")
        names = [name for name in names if name in only]
    jobs: list[Job] = []
    for name in names:
        builtin = BUILTIN[name]
        if builtin.kind != "faulty" or profile == "full":
            jobs += [Job(name, suite) for suite in SUITES]
            continue
        for suite in _suites_of(builtin.must_fail):
            own = tuple(rid for rid in builtin.must_fail if requirement(rid).suite == suite)
            jobs.append(Job(name, suite, own))
    return jobs


def assess(results: Sequence[JobResult]) -> list[TargetRow]:
    """The matrix, one row per target in listing order, from the suite runs' results alone."""
    by_target: dict[str, list[JobResult]] = {}
    for result in results:
        by_target.setdefault(result.job.target, []).append(result)
    rows = []
    for name in sorted(by_target, key=listing_order):
        builtin = BUILTIN[name]
        observed: dict[str, Verdict] = {}
        verdicts: dict[str, Verdict] = {}
        problems: list[str] = []
        for result in by_target[name]:
            observed.update(result.requirements)
            verdicts[result.job.suite] = result.verdict
            if result.problem:
                problems.append(f"{result.job.suite}: {result.problem}")
        for rid in builtin.must_fail:  # a suite that never ran leaves its requirement unassessed
            observed.setdefault(rid, Verdict.INCONCLUSIVE)
        extra = tuple(sorted(rid for rid, v in observed.items()
                             if v is Verdict.FAIL and rid not in builtin.must_fail))
        rows.append(TargetRow(name, builtin.kind, builtin.must_fail, observed, verdicts, extra,
                              tuple(problems)))
    return rows


def validation_document(rows: Sequence[TargetRow], profile: str, started_at: str,
                        finished_at: str, wall_seconds: float,
                        results: Sequence[JobResult] = ()) -> dict[str, Any]:
    """validation.json: the matrix, its summary and each suite run (what it assessed, its
    verdict, how long it took, where its evidence is)."""
    defects = [row for row in rows if not row.correct]
    correct = [row for row in rows if row.correct]
    false_alarms = sorted(f"{row.target}:{rid}" for row in correct
                          for rid, v in row.observed.items() if v is Verdict.FAIL)
    return {
        "harness": __version__,
        "profile": profile,
        "started_at": started_at,
        "finished_at": finished_at,
        "wall_seconds": round(wall_seconds, 1),
        "targets": [row.to_dict() for row in rows],
        "runs": [_run_record(result) for result in results],
        "summary": {
            "defects": len(defects),
            "defects_detected": sum(row.ok for row in defects),
            "undetected": [row.target for row in defects if not row.ok],
            "correct_systems": [row.target for row in correct],
            "correct_passed": [row.target for row in correct if row.ok],
            "false_alarms": false_alarms,
            "passed": all(row.ok for row in rows) and bool(rows),
        },
    }


def _run_record(result: JobResult) -> dict[str, Any]:
    return {"target": result.job.target, "suite": result.job.suite,
            "assess": list(result.job.assess), "verdict": result.verdict.value,
            "seconds": round(result.seconds, 1), "problem": result.problem,
            "out_dir": result.out_dir}


def write_validation(document: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / VALIDATION_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(document), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


DEFAULT_VALIDATION_DIR = Path("reports") / "validation"  # harness validate's default --out


def _record_of(document: Mapping[str, Any]) -> dict[str, Any]:
    summary = document["summary"]
    return {
        "harness": str(document["harness"]),
        "profile": str(document["profile"]),
        "when": str(document["finished_at"]),
        "defects": int(summary["defects"]),
        "defects_detected": int(summary["defects_detected"]),
        "undetected": list(summary["undetected"]),
        "false_alarms": list(summary["false_alarms"]),
        "correct_passed": list(summary["correct_passed"]),
        "passed": bool(summary["passed"]),
    }


def validation_entry(path: str | Path) -> dict[str, Any]:
    """What a certification's evidence says of the method's validation, read from ``path`` (a
    ``validation.json`` or the folder holding one).

    ``record`` is the record of this harness version's validation, or None; ``note`` (a message:
    id, params, English text) says which, and why there is none: no file, an unreadable file, or a
    record made by another harness version (whose results say nothing about this one's method).
    ``sha256`` lets a reader match the record to the validation.json it came from.
    """
    path = Path(path)
    if path.is_dir():
        path = path / VALIDATION_FILE
    entry: dict[str, Any] = {"file": str(path), "sha256": None, "record": None}
    try:
        raw = path.read_bytes()
    except OSError:
        entry["note"] = Message.of("validation.none", "no validation record: {file} does not exist"
                                   " (run harness validate)", file=str(path)).to_dict()
        return entry
    entry["sha256"] = hashlib.sha256(raw).hexdigest()
    try:
        record = _record_of(json.loads(raw.decode("utf-8")))
    except (ValueError, KeyError, TypeError):
        entry["note"] = Message.of("validation.unreadable", "no validation record: {file} is not"
                                   " a readable validation record", file=str(path)).to_dict()
        return entry
    if record["harness"] != __version__:
        entry["note"] = Message.of(
            "validation.other_version", "no validation record for harness {version}: {file} was"
            " made by harness {other}", version=__version__, file=str(path),
            other=record["harness"]).to_dict()
        return entry
    entry["record"] = record
    entry["note"] = Message.given("validation.record", validation_line(record), record).to_dict()
    return entry


def validation_record(path: str | Path) -> dict[str, Any] | None:
    """The validation record a certification report carries, or None when there is none (see
    ``validation_entry`` for why)."""
    record: dict[str, Any] | None = validation_entry(path)["record"]
    return record


def validation_line(record: Mapping[str, Any] | None) -> str:
    """One plain sentence on a validation record, for a report; says so when there is none."""
    if record is None:
        return f"no validation record for harness {__version__}"
    alarms = ", ".join(record["false_alarms"]) or "none"
    missed = f" (undetected: {', '.join(record['undetected'])})" if record["undetected"] else ""
    return (f"harness {record['harness']} validated {record['when']} (profile"
            f" {record['profile']}): {record['defects_detected']} of {record['defects']} defects"
            f" detected{missed}; false alarms on the correct systems: {alarms}")


def format_matrix(rows: Sequence[TargetRow]) -> list[str]:
    """The matrix as text lines: target, must fail, observed, outcome, other failures."""
    table = [("target", "must fail", "observed", "outcome", "also failed")]
    for row in rows:
        if row.correct:
            observed = ", ".join(f"{s} {v.value}" for s, v in row.suite_verdicts.items())
            outcome = "certified" if row.ok else "NOT CERTIFIED"
        else:
            observed = ", ".join(f"{rid} {row.observed[rid].value}" for rid in row.must_fail)
            outcome = "detected" if row.ok else "MISSED"
        table.append((row.target, ", ".join(row.must_fail) or "-", observed, outcome,
                      ", ".join(row.extra_failures) or "-"))
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line[:4], widths, strict=False))
            + "  " + line[4] for line in table]


def validate(profile: str, out_dir: Path, *, only: Sequence[str] | None = None,
             parallel: int = 2, timeout: float = 1800.0,
             say: Callable[[str], None] = print,
             runner: JobRunner | None = None,
             seed: str | None = None) -> tuple[int, dict[str, Any]]:
    """The whole validation: plan, run, print the matrix, write validation.json; exit code 0
    when every defect is detected and both correct systems pass, 1 otherwise."""
    if profile not in ("quick", "full"):
        raise UsageError(f"--profile {profile!r}: use quick or full")
    jobs = plan_validation(profile, only)
    if seed is not None:
        seed = RunSeed.parse(seed).hex
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {str(out_dir)!r}: cannot be created ({exc.strerror})") from None
    if not jobs:
        raise UsageError("--only selected no target")
    started_at, started = utc_now(), time.monotonic()
    run = runner or subprocess_runner(profile, out_dir / "runs", timeout, seed)
    say(f"validating {len({j.target for j in jobs})} targets in {len(jobs)} suite runs"
        f" (profile {profile})")

    def done(result: JobResult) -> None:
        say(f"  {result.job.target} {result.job.suite}: {result.verdict.value}"
            f" in {result.seconds:.0f} s" + (f" ({result.problem})" if result.problem else ""))

    results = run_validation(jobs, run, parallel, done)
    rows = assess(results)
    wall = time.monotonic() - started
    document = validation_document(rows, profile, started_at, utc_now(), wall, results)
    document["seed"] = seed  # the master seed the suite runs' seeds derive from, or None
    for line in format_matrix(rows):
        say(line)
    summary = document["summary"]
    say(f"{summary['defects_detected']} of {summary['defects']} defects detected;"
        f" correct systems passed: {', '.join(summary['correct_passed']) or 'none'};"
        f" false alarms: {', '.join(summary['false_alarms']) or 'none'};"
        f" {wall:.0f} s; written {write_validation(document, out_dir)}")
    return (ExitCode.OK if summary["passed"] else ExitCode.FAILED), document
