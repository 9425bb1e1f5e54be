"""S-01: every operator operation refuses a request without the operator's token.

Each operator operation of the contract is called on a round of this run in the state where it
would succeed (a registration round for ``close``, a committed one for ``draw``, ...), with no
token, a made-up token and an applicant's token. Any 2xx answer, or any change to the rounds
afterwards, fails S-01. A refusal with another status than the contract's (401, 401, 403) is a
LOW note. Lab endpoints must not exist when lab mode is off: for a built-in target the check
starts a second instance without lab mode and calls them there with its operator token; a URL
target's process is not the harness's to restart, so that part is reported as not assessed.
"""

from __future__ import annotations

import base64
from typing import Any

from harness.errors import TargetError
from harness.launcher import launch
from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding
from harness.security.fixtures import RoundFixture, make_round
from harness.security.operations import OPERATOR_REQUESTS, ContractOperation, operations
from harness.security.registry import ProbeReport, check
from harness.suites import SuiteTarget

__all__ = ["operator_endpoints"]

_STATES = ("registration", "closed", "committed", "drawn")
_EXPECTED = {"none": 401, "wrong-token": 401, "applicant": 403}

_FIX = Message.of("security.s01.fix",
                  "authenticate every operator operation before anything else, and allow it only"
                  " to the operator token (compare it in constant time); refuse others with 401,"
                  " an applicant token with 403")
_FIX_LAB = Message.of("security.s01.fix_lab",
                      "mount the lab endpoints only when the system is started in lab mode, so"
                      " that without it they answer 404 to everyone")


def _rounds(ctx: ProbeContext) -> dict[str, RoundFixture]:
    return {state: make_round(ctx, f"01{state[:4]}", size=1, primary=1, until=state)
            for state in _STATES}


def _request(op: ContractOperation, rounds: dict[str, RoundFixture], ctx: ProbeContext,
             n: int) -> tuple[str, Any]:
    spec = OPERATOR_REQUESTS[op.operation_id]
    body = spec.body
    if op.operation_id == "createRound":
        body = {**body, "round_id": ctx.round_id(f"01new{n}")}
    path = op.path(rounds[spec.state].round_id) if spec.state else op.template
    return path, body


def _callers(ctx: ProbeContext, applicant_token: str) -> dict[str, str | None]:
    wrong = base64.urlsafe_b64encode(ctx.run_seed.derive("security", "wrong-token")).decode()
    ctx.recorder.redact.add(wrong, "made-up token")
    return {"none": None, "wrong-token": wrong.rstrip("="), "applicant": applicant_token}


def _judge(report: ProbeReport, ctx: ProbeContext, op: ContractOperation, caller: str,
           exchange: Exchange) -> None:
    where = f"contract:{op.method} {op.template}"
    if exchange.ok:
        cwe = 285 if caller == "applicant" else 306
        report.add(finding(
            "S-01", f"S-01/{caller}-accepted", Severity.HIGH,
            Message.of("security.s01.accepted",
                       "{operation} answered {status} to a request with {caller}",
                       operation=f"{op.method} {op.template}", status=exchange.status,
                       caller={"none": "no token", "wrong-token": "a made-up token",
                               "applicant": "an applicant's token"}[caller]),
            _FIX, cwe=cwe, location=where, exchanges=[exchange]))
    elif exchange.status != _EXPECTED[caller]:
        report.add(finding(
            "S-01", "S-01/unexpected-refusal", Severity.LOW,
            Message.of("security.s01.refusal_status",
                       "{operation} refused {caller} with {status}, not the contract's"
                       " {expected}", operation=f"{op.method} {op.template}", caller=caller,
                       status=exchange.status, expected=_EXPECTED[caller]),
            _FIX, location=where, exchanges=[exchange]))


def _unchanged(report: ProbeReport, ctx: ProbeContext, rounds: dict[str, RoundFixture],
               created: list[str]) -> None:
    for state, fixture in rounds.items():
        exchange = ctx.send("GET", f"/v1/rounds/{fixture.round_id}", caller="public")
        body = ctx.expect(exchange, 200)
        if not isinstance(body, dict) or body.get("state") != state:
            report.add(finding(
                "S-01", "S-01/state-changed", Severity.CRITICAL,
                Message.of("security.s01.state_changed",
                           "round {round} moved from {before} to {after} after calls without the"
                           " operator token", round=fixture.round_id, before=state,
                           after=body.get("state") if isinstance(body, dict) else None),
                _FIX, cwe=306, location="contract:GET /v1/rounds/{rid}", exchanges=[exchange]))
    for round_id in created:
        exchange = ctx.send("GET", f"/v1/rounds/{round_id}", caller="public")
        if exchange.ok:
            report.add(finding(
                "S-01", "S-01/round-created", Severity.CRITICAL,
                Message.of("security.s01.round_created",
                           "round {round} exists although only unauthenticated requests asked"
                           " for it", round=round_id),
                _FIX, cwe=306, location="contract:POST /v1/rounds", exchanges=[exchange]))


@check("S-01", "operator-endpoints")
def operator_endpoints(ctx: ProbeContext, report: ProbeReport) -> None:
    rounds = _rounds(ctx)
    callers = _callers(ctx, rounds["registration"].applicants[0].token)
    ops = [op for op in operations(ctx.contract) if "operator" in op.callers]
    created: list[str] = []
    for n, op in enumerate(ops):
        for caller, token in callers.items():
            path, body = _request(op, rounds, ctx, n)
            if op.operation_id == "createRound":
                created.append(body["round_id"])
            exchange = ctx.send(op.method, path, caller=caller, token=token, json_body=body)
            _judge(report, ctx, op, caller, exchange)
        ctx.step("S-01 operator endpoints", n + 1, len(ops))
    _unchanged(report, ctx, rounds, created)
    report.measure("operator_operations", len(ops))
    report.measure("requests", len(ops) * len(callers))
    report.evidence["operations"] = [f"{op.method} {op.template}" for op in ops]
    _lab_off(ctx, report, [op for op in ops if op.lab])


def _lab_off(ctx: ProbeContext, report: ProbeReport, lab_ops: list[ContractOperation]) -> None:
    launched = ctx.target.launched
    if launched is None:
        report.not_assessed.append(Message.of(
            "security.s01.lab_off_not_assessed",
            "lab endpoints with lab mode off: the harness does not control this system's process"
            " (a URL target), so it cannot start it without lab mode"))
        report.evidence["lab_off"] = "not assessed"
        return
    try:
        with launch(launched.name, lab=False) as second:
            _lab_off_calls(ctx, report, lab_ops, second)
    except TargetError as exc:
        report.inconclusive = Message.of(
            "security.s01.lab_off_failed",
            "could not start a second instance without lab mode: {reason}", reason=str(exc))


def _lab_off_calls(ctx: ProbeContext, report: ProbeReport, lab_ops: list[ContractOperation],
                   second: Any) -> None:
    other = ProbeContext.open(SuiteTarget(second.name, second.base_url, second.admin_token),
                              ctx.settings, ctx.run_seed, ctx.deadline)
    try:
        closed = make_round(other, "01lab", size=1, primary=1, until="closed")
        for op in lab_ops:
            spec = OPERATOR_REQUESTS[op.operation_id]
            path = op.path(closed.round_id) if op.needs_round else op.template
            exchange = other.operator(op.method, path, spec.body)
            if exchange.status != 404:
                severe = exchange.ok
                report.add(finding(
                    "S-01", "S-01/lab-without-lab-mode", Severity.HIGH if severe else Severity.LOW,
                    Message.of("security.s01.lab_on",
                               "with lab mode off, {operation} answered {status}, not"
                               " 404", operation=f"{op.method} {op.template}",
                               status=exchange.status),
                    _FIX_LAB, cwe=489 if severe else None,
                    location=f"contract:{op.method} {op.template}", exchanges=[exchange]))
        report.evidence["lab_off"] = {"operations": [op.operation_id for op in lab_ops],
                                      "instance": "a second instance started without lab mode"}
    finally:
        other.close()
