"""pytest plugin: the invariant suite inside a vendor's own test run (entry point ``pytest11``).

    pytest --harness-target http://127.0.0.1:8000 --harness-admin-token "$TOKEN"

adds one test item per requirement (``harness-invariants::I-01`` ... ``::I-06``). The suite runs
once, on the first item, exactly as ``harness invariants`` would (same profile, seed, evidence
folder); each item then passes, fails with its shrunk request sequence and a curl replay, or is
skipped when the verdict is INCONCLUSIVE, with the reason. Without ``--harness-target`` the plugin
adds nothing, so it is inert in every other pytest session; it imports the harness only when used.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

__all__ = ["InvariantItem", "InvariantSuite"]

_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"  # noqa: S105 - the variable's name, not a secret
_REQUIREMENTS = ("I-01", "I-02", "I-03", "I-04", "I-05", "I-06")
_RUN = pytest.StashKey[dict[str, Any]]()
_SHOWN_STEPS = 40


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "ASTI-1 invariant suite (allocation-harness)")
    group.addoption("--harness-target", metavar="URL",
                    help="run the invariant suite I-01..I-06 against this ASTI-1 system")
    group.addoption("--harness-admin-token", metavar="T",
                    help=f"its operator token (default: ${_TOKEN_ENV})")
    group.addoption("--harness-profile", default="quick", metavar="quick|full|FILE",
                    help="harness profile (default: quick)")
    group.addoption("--harness-seed", metavar="HEX", help="64 hex digits of run seed")
    group.addoption("--harness-out", metavar="DIR",
                    help="evidence folder (default: reports/<run id>/)")


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect, so they apply to these items too
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("harness_target"):
        return
    config.stash[_RUN] = {}
    suite = InvariantSuite.from_parent(session, name="harness-invariants",
                                       nodeid="harness-invariants")
    items.extend(suite.collect())


class InvariantSuite(pytest.Collector):
    """The suite's node: ``harness-invariants::I-01`` ... ``harness-invariants::I-06``."""

    def collect(self) -> list[pytest.Item]:
        return [InvariantItem.from_parent(self, name=rid, requirement=rid)
                for rid in _REQUIREMENTS]


class InvariantFailed(Exception):
    """The suite's FAIL verdict on one requirement (rendered by ``repr_failure``)."""


class InvariantItem(pytest.Item):
    def __init__(self, *, requirement: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.requirement = requirement

    def runtest(self) -> None:
        outcome = _suite_outcome(self.config)
        if "error" in outcome:
            pytest.fail(outcome["error"], pytrace=False)
        result = outcome["requirements"][self.requirement]
        verdict, summary = result["verdict"], result["summary"]["text"]
        if verdict == "FAIL":
            raise InvariantFailed(_failure_text(result, outcome["out_dir"]))
        if verdict != "PASS":
            pytest.skip(f"{self.requirement} {verdict}: {summary}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, InvariantFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"ASTI-1 invariant {self.requirement}"


def _suite_outcome(config: pytest.Config) -> dict[str, Any]:
    """Run the suite once per session and keep what the items need."""
    cached = config.stash[_RUN]
    if cached:
        return cached
    from harness.errors import HarnessError
    from harness.events import RecordingSink
    from harness.run import RunOptions, run_suites

    options = RunOptions(
        target=config.getoption("harness_target"),
        admin_token=config.getoption("harness_admin_token") or os.environ.get(_TOKEN_ENV),
        profile=config.getoption("harness_profile"),
        seed=config.getoption("harness_seed"),
        out=config.getoption("harness_out"),
    )
    try:
        run = run_suites("invariants", ["invariants"], options, RecordingSink())
    except HarnessError as exc:
        cached["error"] = f"harness invariants: {exc}"
        return cached
    (suite,) = run.evidence["suites"]
    cached["requirements"] = {r["id"]: r for r in suite["requirements"]}
    cached["out_dir"] = str(run.out_dir)
    return cached


def _failure_text(result: dict[str, Any], out_dir: str) -> str:
    lines = [f"{result['id']} FAIL: {result['summary']['text']}"]
    for finding in result.get("findings", []):
        evidence = finding.get("evidence", {})
        requests = evidence.get("requests", [])
        kind = "shrunk example" if evidence.get("shrunk") else "failing example (not shrunk)"
        lines.append(f"{kind}, {len(requests)} requests:")
        for row in requests[-_SHOWN_STEPS:]:
            body = "" if row.get("body") is None else f" {_short(row['body'])}"
            lines.append(f"  {row['n']:>3}. {row['method']} {row['path']}{body}"
                         f" -> {row['status']} {_short(row.get('response'))}")
        lines.append(f"remediation: {finding['remediation']['text']}")
        if evidence.get("curl"):
            lines += ["replay with curl (BASE and OPERATOR_TOKEN from the environment):",
                      evidence["curl"]]
    lines.append(f"evidence: {out_dir}/evidence.json")
    return "\n".join(lines)


def _short(value: Any, limit: int = 160) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."
