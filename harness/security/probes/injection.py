"""S-03: SQL, template, command and path payloads in every string field and path parameter.

Every path parameter of every operation gets every payload (percent-encoded), sent without a
token or with an applicant token (never the operator's: those ids are not the run's rounds). Every
string field of every request body (found in the contract's request schemas) and every string
header parameter gets every payload, on rounds of this run. Judged on each answer: no 5xx (a 503
with Retry-After is load shedding, counted apart), no database or stack text, no sign the payload
was evaluated, and no 2xx for a path id that names no round. Judged afterwards: a sentinel round's
results and ledger are byte-for-byte unchanged, and the injection round counts exactly the
registrations that were acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding
from harness.security.fixtures import Applicant, make_round
from harness.security.leaks import TEMPLATE_PRODUCT, scan
from harness.security.operations import (
    OPERATOR_REQUESTS,
    ContractOperation,
    header_fields,
    operations,
    string_fields,
)
from harness.security.registry import ProbeReport, check
from harness.synthetic import national_ids

__all__ = ["PAYLOADS", "injection"]

PAYLOADS: dict[str, tuple[str, ...]] = {
    "sql": ("' OR '1'='1", "x'; DROP TABLE rounds; --", '" OR ""="', "1 UNION SELECT NULL--",
            "') OR ('x'='x"),
    "template": ("{{1337*7331}}", "${1337*7331}", "<%= 1337*7331 %>", "#{1337*7331}"),
    "command": ("; id", "$(id)", "`id`", "| id"),
    "path": ("../../../../etc/passwd", "..\\..\\..\\windows\\win.ini",
             "%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
}
_CWE = {"sql": 89, "template": 1336, "command": 78, "path": 22}
_FIX = Message.of("security.s03.fix",
                  "treat every input as data: bind SQL parameters, never format them into"
                  " statements; never pass input to a template engine, shell or file path;"
                  " validate ids against their pattern before use; answer failures with the"
                  " contract's error shape and nothing of the internals")
_SHED = 503


def _all_payloads() -> list[tuple[str, str]]:
    return [(kind, value) for kind, values in PAYLOADS.items() for value in values]


class _Judge:
    """Judges each answer to an injected request and counts them."""

    def __init__(self, ctx: ProbeContext, report: ProbeReport) -> None:
        self.ctx, self.report = ctx, report
        self.sent = 0
        self.shed = 0

    def __call__(self, exchange: Exchange, kind: str, payload: str, where: str,
                 names_no_round: bool = False) -> None:
        self.sent += 1
        location = f"contract:{where}"
        if exchange.status == _SHED and exchange.header("retry-after"):
            self.shed += 1
        elif exchange.status is not None and exchange.status >= 500:
            self._add(f"S-03/server-error-{kind}", Severity.MEDIUM, 20, location, exchange,
                      "security.s03.server", "a {kind} payload in {where} caused a {status}"
                      " answer", kind, where)
        if names_no_round and exchange.ok:
            self._add(f"S-03/behaviour-{kind}", Severity.HIGH, _CWE[kind], location, exchange,
                      "security.s03.behaviour", "a {kind} payload as the round id in {where} was"
                      " answered {status}, as if it named a round", kind, where)
        for leak in scan(exchange.body, [payload, quote(payload, safe="")]):
            severe = leak.kind == "evaluated"
            self._add(f"S-03/{leak.kind}-{kind}", Severity.HIGH if severe else Severity.MEDIUM,
                      _CWE[kind] if severe else leak.cwe, location, exchange,
                      {"stack_trace": "security.s03.stack_trace", "sql": "security.s03.sql",
                       "banner": "security.s03.banner", "evaluated": "security.s03.evaluated",
                       }[leak.kind],
                      "the answer to a {kind} payload in {where} shows " + leak.detector +
                      " ({status})", kind, where, leak=leak.excerpt, detector=leak.detector)

    def _add(self, rule: str, severity: Severity, cwe: int, location: str, exchange: Exchange,
             message_id: str, template: str, kind: str, where: str, detector: str = "",
             **extra: Any) -> None:
        if any(f.evidence.get("rule") == rule and f.location == location
               for f in self.report.findings):
            return  # one finding per rule and operation; the first exchange proves it
        self.report.add(finding(
            "S-03", rule, severity,
            Message.of(message_id, template, kind=kind, where=where, status=exchange.status,
                       detector=detector),
            _FIX, cwe=cwe, location=location, exchanges=[exchange], **extra))


def _path_parameters(ctx: ProbeContext, judge: _Judge, applicant: Applicant) -> None:
    ops = [op for op in operations(ctx.contract) if op.needs_round]
    for n, op in enumerate(ops):
        callers: list[tuple[str, str | None]] = [("none", None)]
        if "anyone" not in op.callers:
            callers.append(("applicant", applicant.token))
        body = OPERATOR_REQUESTS.get(op.operation_id)
        for kind, payload in _all_payloads():
            for caller, token in callers:
                exchange = ctx.send(
                    op.method, op.path(quote(payload, safe="")), caller=caller, token=token,
                    json_body=body.body if body else _applicant_body(ctx, op),
                    headers={"Idempotency-Key": f"s03-{n}"} if op.operation_id ==
                    "createDeposit" else None, raise_errors=False)
                judge(exchange, kind, payload, f"{op.method} {op.template}", True)
        ctx.step("S-03 path parameters", n + 1, len(ops))


def _applicant_body(ctx: ProbeContext, op: ContractOperation) -> Any:
    return {"amount": ctx.settings.deposit_amount} if op.method == "POST" else None


def _body_fields(ctx: ProbeContext, judge: _Judge, setups: dict[str, Callable[..., Exchange]]
                 ) -> None:
    for op in operations(ctx.contract):
        send = setups.get(op.operation_id)
        if send is None:
            continue
        for field in string_fields(ctx.contract, op) + header_fields(ctx.contract, op):
            for n, (kind, payload) in enumerate(_all_payloads()):
                exchange = send(field, payload, n)
                judge(exchange, kind, payload, f"{op.method} {op.template}")


def _setups(ctx: ProbeContext, fixtures: dict[str, Any]) -> dict[str, Callable[..., Exchange]]:
    amount = ctx.settings.deposit_amount
    ids = iter(national_ids(ctx.run_seed.rng("security", "s03-ids"), 200))
    payers = iter(fixtures["deposits"].applicants)

    def create(field: str, payload: str, n: int) -> Exchange:
        body = {**OPERATOR_REQUESTS["createRound"].body, "round_id": payload}
        return ctx.send("POST", "/v1/rounds", caller="none", json_body=body, raise_errors=False)

    def register(field: str, payload: str, n: int) -> Exchange:
        body = {"national_id": next(ids), "name": f"Injection {n}", "region": "region-01"}
        body[field] = payload
        exchange = ctx.send("POST", f"/v1/rounds/{fixtures['reg']}/registrations",
                            caller="public", json_body=body, raise_errors=False)
        if exchange.status == 201 and isinstance(exchange.json(), dict):
            ctx.recorder.redact.add(exchange.json().get("token"), "applicant token s03")
            fixtures["acknowledged"] += 1
        return exchange

    def operator(state: str, operation: str, wrap: bool = False) -> Callable[..., Exchange]:
        def send(field: str, payload: str, n: int) -> Exchange:
            rid = (make_round(ctx, f"03c{n}", size=0, primary=1, until="closed").round_id
                   if state == "fresh-closed" else fixtures[state])
            name = field.rstrip("[]")
            body = {**OPERATOR_REQUESTS[operation].body,
                    name: [payload] if field.endswith("[]") else payload}
            path = {"commitSeed": "commit", "draw": "draw", "closeDeposits": "deposits/close",
                    "labDraws": "draws", "labRandomStream": "random"}[operation]
            prefix = "/v1/lab/rounds" if operation.startswith("lab") else "/v1/rounds"
            return ctx.operator("POST", f"{prefix}/{rid}/{path}", body, raise_errors=False)
        return send

    def deposit(field: str, payload: str, n: int) -> Exchange:
        payer = next(payers)
        return ctx.send("POST", f"/v1/rounds/{fixtures['deposits'].round_id}/deposits",
                        caller="applicant", token=payer.token, json_body={"amount": amount},
                        headers={field: payload}, raise_errors=False)

    return {"createRound": create, "register": register,
            "commitSeed": operator("fresh-closed", "commitSeed"),
            "draw": operator("committed", "draw"),
            "closeDeposits": operator("drawn", "closeDeposits"),
            "labDraws": operator("closed", "labDraws"),
            "labRandomStream": operator("closed", "labRandomStream"), "createDeposit": deposit}


def _snapshot(ctx: ProbeContext, rid: str) -> tuple[Exchange, Exchange]:
    return (ctx.send("GET", f"/v1/rounds/{rid}/results", caller="public"),
            ctx.operator("GET", f"/v1/rounds/{rid}/deposits"))


def _compare(ctx: ProbeContext, report: ProbeReport, before: tuple[Exchange, Exchange],
             after: tuple[Exchange, Exchange]) -> None:
    paths = ("GET /v1/rounds/{rid}/results", "GET /v1/rounds/{rid}/deposits")
    for old, new, what, where in zip(before, after, ("results", "ledger"), paths, strict=True):
        ctx.expect(new, 200)
        if old.json() != new.json():
            report.add(finding(
                "S-03", f"S-03/{what}-changed", Severity.CRITICAL,
                Message.of("security.s03.changed",
                           "the sentinel round's {what} changed while payloads were injected"
                           " elsewhere", what=what),
                _FIX, cwe=89, location=f"contract:{where}",
                exchanges=[old, new]))


@check("S-03", "injection")
def injection(ctx: ProbeContext, report: ProbeReport) -> None:
    sentinel = make_round(ctx, "03sent", size=2, primary=1, reserve=1, until="drawn")
    winner = sentinel.applicants[0]
    ctx.send("POST", f"/v1/rounds/{sentinel.round_id}/deposits", caller="applicant",
             token=winner.token, json_body={"amount": ctx.settings.deposit_amount},
             headers={"Idempotency-Key": "s03-sentinel"})
    before = _snapshot(ctx, sentinel.round_id)
    ctx.expect(before[0], 200)
    ctx.expect(before[1], 200)
    count = len(_all_payloads())
    fixtures: dict[str, Any] = {
        "reg": make_round(ctx, "03reg", size=1, primary=1).round_id,
        "closed": make_round(ctx, "03clo", size=1, primary=1, until="closed").round_id,
        "committed": make_round(ctx, "03com", size=1, primary=1, until="committed").round_id,
        "drawn": make_round(ctx, "03drw", size=1, primary=1, until="drawn").round_id,
        "deposits": make_round(ctx, "03dep", size=count, primary=count, until="drawn"),
        "acknowledged": 1,
    }
    judge = _Judge(ctx, report)
    _path_parameters(ctx, judge, sentinel.applicants[1])
    _body_fields(ctx, judge, _setups(ctx, fixtures))
    _compare(ctx, report, before, _snapshot(ctx, sentinel.round_id))
    registered = ctx.expect(ctx.send("GET", f"/v1/rounds/{fixtures['reg']}", caller="public"), 200)
    if isinstance(registered, dict) and registered.get("applicants") != fixtures["acknowledged"]:
        report.add(finding(
            "S-03", "S-03/registrations-changed", Severity.HIGH,
            Message.of("security.s03.count_changed",
                       "the injection round counts {count} registrations, but {acknowledged}"
                       " were acknowledged", count=registered.get("applicants"),
                       acknowledged=fixtures["acknowledged"]),
            _FIX, cwe=89, location="contract:POST /v1/rounds/{rid}/registrations"))
    report.measure("injected_requests", judge.sent)
    report.measure("shed_503", judge.shed)
    report.measure("payloads", count)
    report.evidence["payloads"] = {kind: list(values) for kind, values in PAYLOADS.items()}
    report.evidence["template_marker"] = TEMPLATE_PRODUCT
