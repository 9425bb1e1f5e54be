"""One run: options -> profile, seed, target -> suites -> evidence.json -> reports -> exit code.

``harness <suite>`` calls ``run_suites`` with one suite; ``harness certify`` will call it with all
of them (scope ``certification``). Before any suite runs, the target must answer ``/healthz`` and
accept the operator token; a target that does not answer makes every requirement in scope
INCONCLUSIVE with the reason, and the evidence is written all the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.errors import TargetError, UsageError
from harness.events import EventSink
from harness.evidence import build_evidence, write_evidence
from harness.integrity import load_private_key, tree_digest, write_manifest
from harness.launcher import ResolvedTarget, resolve_target
from harness.profiles import load_profile
from harness.report import scope_verdict, write_reports
from harness.results import Message, RequirementResult, SuiteResult
from harness.runner import run_suite
from harness.seeds import RunSeed, utc_now
from harness.suites import Suite, SuiteTarget, get_suite
from harness.target import HttpTarget
from harness.validation import DEFAULT_VALIDATION_DIR, validation_entry
from harness.verdict import Verdict, exit_code

__all__ = ["RunOptions", "RunOutcome", "run_suites", "write_outputs"]


@dataclass(frozen=True)
class RunOptions:
    """The target options every suite command shares (DESIGN.md section 8)."""

    target: str
    admin_token: str | None = None
    profile: str = "quick"
    seed: str | None = None
    out: str | None = None
    source: str | None = None
    restart_cmd: str | None = None
    db: str | None = None
    # A command's own options that set profile values, as dotted keys ("load.users": 50);
    # they win over the profile file.
    overrides: Mapping[str, Any] = field(default_factory=dict)
    # certify's report options: who tested and who authorised the report; a key to sign it.
    lab_name: str | None = None
    authorised_by: str | None = None
    sign_key: str | None = None
    # the language of the text for people in report.html and summary.md (en or fa)
    lang: str = "en"
    # certify copies the method's validation record from this validation.json (or its folder).
    validation: str | None = None


@dataclass(frozen=True)
class RunOutcome:
    verdict: Verdict
    out_dir: Path
    evidence: dict[str, Any]

    @property
    def exit_code(self) -> int:
        return exit_code(self.verdict)


def run_suites(
    scope: str, suite_names: Sequence[str], options: RunOptions, events: EventSink
) -> RunOutcome:
    """Run the named suites one after another against the target and write the output folder."""
    profile = load_profile(options.profile, options.overrides)
    seed = RunSeed.parse(options.seed) if options.seed else RunSeed.fresh()
    suites = [get_suite(name) for name in suite_names]
    out_dir = Path(options.out) if options.out else Path("reports") / seed.run_id
    _check_writable(out_dir)
    key = load_private_key(Path(options.sign_key)) if options.sign_key else None
    started = utc_now()
    with _target(options) as resolved:
        target = SuiteTarget(resolved.name, resolved.base_url, resolved.admin_token,
                             resolved.source_dir, resolved.launched, options.restart_cmd)
        identity, problem = _preflight(target, seed)
        results = [
            run_suite(suite, target, profile, seed, events) if problem is None
            else _unreachable(suite, problem, events)
            for suite in suites
        ]
        target_record = {
            "spec": options.target, "name": target.name, "base_url": target.base_url,
            "builtin": target.launched is not None, "identity": identity, "problem": problem,
            "source_dir": str(target.source_dir) if target.source_dir else None,
            "source_sha256": tree_digest(target.source_dir) if target.source_dir else None,
            "restart_cmd": options.restart_cmd,
        }
    evidence = build_evidence(
        scope=scope, seed=seed, profile=profile, target=target_record, suites=results,
        started_at=started, finished_at=utc_now(),
        laboratory={"name": options.lab_name, "authorised_by": options.authorised_by},
        validation=_validation(scope, options),
    )
    write_outputs(evidence, out_dir, key, options.lang)
    events.message(Message.of("run.written", "evidence and reports written to {out}",
                              out=str(out_dir)))
    return RunOutcome(scope_verdict(evidence), out_dir, evidence)


def write_outputs(
    evidence: Mapping[str, Any], out_dir: Path, key: Ed25519PrivateKey | None = None,
    lang: str = "en",
) -> list[Path]:
    """evidence.json, every report format (people's text in ``lang``), then manifest.json (and
    manifest.sig given a key)."""
    written = [write_evidence(evidence, out_dir), *write_reports(evidence, out_dir, lang)]
    return written + write_manifest(out_dir, key)


def _validation(scope: str, options: RunOptions) -> dict[str, Any] | None:
    """A certification carries the validation record of the harness version that made it."""
    if scope != "certification":
        return None
    return validation_entry(options.validation or DEFAULT_VALIDATION_DIR)


def _check_writable(out_dir: Path) -> None:
    """Refuse an output folder that cannot be made, before anything runs (creating nothing)."""
    probe = out_dir.absolute()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"--out {str(out_dir)!r}: cannot be created or written ({probe} is not"
                         " a writable folder)")


@contextmanager
def _target(options: RunOptions) -> Iterator[ResolvedTarget]:
    """The system under test: a URL as given, or a built-in target launched for the run."""
    source = Path(options.source) if options.source else None
    if source is not None and not source.is_dir():
        raise UsageError(f"--source {options.source!r} is not a directory")
    with ExitStack() as stack:
        try:
            target = stack.enter_context(resolve_target(
                options.target, options.admin_token, db=options.db, lab=True, source=source))
        except TargetError as exc:  # a built-in target that would not start
            raise UsageError(f"--target {options.target}: {exc}") from None
        yield target


def _preflight(
    target: SuiteTarget, seed: RunSeed
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The target's identity, or why it cannot be tested. A refused token is a usage error."""
    with HttpTarget(target.base_url, target.admin_token) as client:
        try:
            identity = client.health()
            # An operator call on a round this run never created: a valid token gets 404.
            client.operator("GET", f"/v1/rounds/{seed.round_id('preflight')}/audit")
        except TargetError as exc:
            evidence = exc.evidence() if hasattr(exc, "evidence") else {"message": str(exc)}
            return None, {"type": type(exc).__name__, "reason": str(exc), "exchange": evidence}
    return identity, None


def _unreachable(suite: Suite, problem: dict[str, Any], events: EventSink) -> SuiteResult:
    events.suite_started(suite.name, suite.requirement_ids)
    summary = Message.of(
        "run.target_unavailable", "not assessed: the target did not answer ({reason})",
        reason=problem["reason"],
    )
    now = utc_now()
    requirements = tuple(
        RequirementResult.of(rid, Verdict.INCONCLUSIVE, summary, evidence={"target": problem})
        for rid in suite.requirement_ids
    )
    result = SuiteResult(suite.name, requirements, now, now, {"target": problem})
    for requirement in requirements:
        events.requirement(requirement)
    events.suite_finished(result)
    return result
