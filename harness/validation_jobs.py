"""Running the suite runs of a method validation, each as its own ``harness <suite>`` process.

A ``Job`` is one suite against one built-in target, optionally restricted to the requirements a
defect must fail; ``run_validation`` runs jobs through a runner (``subprocess_runner`` for real:
one process group per job, stopped at its time bound), at most two side by side with the longest
expected first, the load suite always alone since it measures throughput (DESIGN.md section 7).
A job's result is read only from what its run wrote: evidence.json and the exit code.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.verdict import ExitCode, Verdict

__all__ = ["EXCLUSIVE", "Job", "JobResult", "JobRunner", "job_profile", "job_seed",
           "run_validation", "subprocess_runner"]

EXCLUSIVE = frozenset({"load"})  # never beside another suite: it measures throughput
_EXIT_VERDICT = {ExitCode.OK: Verdict.PASS, ExitCode.FAILED: Verdict.FAIL}
_SUITE_COST = {"fairness": 3, "invariants": 1, "load": 1, "security": 1}


@dataclass(frozen=True)
class Job:
    """One suite run against one built-in target; ``assess`` (when not empty) restricts it to
    those requirements, the defect's own, so the suite skips the work that serves only others."""

    target: str
    suite: str
    assess: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return f"{self.target.replace(':', '-')}--{self.suite}"

    @property
    def expected_cost(self) -> int:
        """A rough rank of its duration, for running the longest first: the fairness suite
        (a registered population, a battery) is the longest, a restricted run the shortest."""
        return _SUITE_COST[self.suite] * (1 if self.assess else 3)


@dataclass(frozen=True)
class JobResult:
    """What one suite run gave: the suite verdict, each requirement's verdict, and any problem."""

    job: Job
    verdict: Verdict
    requirements: Mapping[str, Verdict]
    seconds: float
    problem: str | None = None
    out_dir: str | None = None


def _read_result(job: Job, out_dir: Path, code: int | None, seconds: float,
                 problem: str | None) -> JobResult:
    """A suite run's result from what it wrote; whatever it did not write is INCONCLUSIVE."""
    requirements: dict[str, Verdict] = {}
    try:
        evidence = json.loads((out_dir / "evidence.json").read_text(encoding="utf-8"))
        for suite in evidence["suites"]:
            for item in suite["requirements"]:
                requirements[item["id"]] = Verdict(item["verdict"])
    except (OSError, ValueError, KeyError, TypeError):
        problem = problem or f"no readable evidence.json (exit {code})"
    verdict = _EXIT_VERDICT.get(code or 0, Verdict.INCONCLUSIVE) if code is not None \
        else Verdict.INCONCLUSIVE
    if code not in (ExitCode.OK, ExitCode.FAILED, ExitCode.INCONCLUSIVE) and problem is None:
        problem = f"exit {code}"
    return JobResult(job, verdict, requirements, seconds, problem, str(out_dir))


def job_profile(job: Job, profile: str, out_root: Path) -> str:
    """The ``--profile`` of a job: the built-in profile, or for a restricted job a file that
    extends it and assesses only the job's requirements (every size stays the profile's)."""
    if not job.assess:
        return profile
    path = out_root / f"{job.slug}.profile.yaml"
    path.write_text(f"# harness validate: {profile}, assessing only what {job.target} must fail"
                    f"\nextends: {profile}\nname: {profile}\nassess: [{', '.join(job.assess)}]\n",
                    encoding="utf-8")
    return str(path)


def job_seed(master: str, job: Job) -> str:
    """The run seed of one job: SHA-256 of the validation's master seed and the job's name, so a
    validation given the same seed reproduces every suite run's requests."""
    return hashlib.sha256(f"{master}:{job.slug}".encode()).hexdigest()


def _run_job(job: Job, profile: str, out_root: Path, timeout: float, seed: str | None
             ) -> JobResult:
    """``harness <suite> --target T`` as its own process group, stopped when over its bound."""
    out_dir = out_root / job.slug
    log = out_root / f"{job.slug}.log"
    out_root.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "harness", job.suite, "--target", job.target,
               "--profile", job_profile(job, profile, out_root), "--out", str(out_dir)]
    command += ["--seed", job_seed(seed, job)] if seed else []
    started = time.monotonic()
    problem = None
    with log.open("wb") as sink:
        # the harness itself, on a built-in target name: no user text reaches a shell
        process = subprocess.Popen(command, stdout=sink,  # noqa: S603 stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            problem = f"stopped after {timeout:.0f} s"
            code = None
            _stop(process)
    return _read_result(job, out_dir, code, time.monotonic() - started, problem)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Interrupt (the run stops its target on the way out), then kill what is left."""
    for sig, grace in ((signal.SIGINT, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


JobRunner = Callable[[Job], JobResult]


def run_validation(jobs: Sequence[Job], runner: JobRunner, parallel: int = 2,
                   done: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Every job through ``runner``: up to ``parallel`` side by side, the longest expected first
    (so that no long run is left alone at the end), then the exclusive ones (the load suite) one
    at a time. Results come back in the order of ``jobs``."""
    shared = sorted((job for job in jobs if job.suite not in EXCLUSIVE),
                    key=lambda job: -job.expected_cost)
    alone = [job for job in jobs if job.suite in EXCLUSIVE]

    def one(job: Job) -> JobResult:
        result = runner(job)
        if done is not None:
            done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, min(parallel, 2))) as pool:
        done_by_job = dict(zip(shared, pool.map(one, shared), strict=True))
    done_by_job.update((job, one(job)) for job in alone)
    return [done_by_job[job] for job in jobs]


def subprocess_runner(profile: str, out_root: Path, timeout: float, seed: str | None = None
                      ) -> JobRunner:
    """The real runner: each job a ``harness <suite>`` process writing under ``out_root``; with a
    master ``seed``, each job's run seed derives from it (``job_seed``), else each is random."""
    return lambda job: _run_job(job, profile, out_root, timeout, seed)
