"""S-02: an applicant can neither read nor act on another applicant's data.

In a drawn round where everyone is a primary winner, applicant A tries to pay as B and to read B's
standing through every place an id can travel: the request body, the query string, headers that
proxies and frameworks use for a user id, and the path. Afterwards the operator's ledger must
show every deposit under the applicant whose token paid it, B must have no deposit B did not
make, and no answer to A may carry B's national id, name or deposit id. Finally A's token is
used on another round (status and deposit): any 2xx there fails too.
"""

from __future__ import annotations

import json
from typing import Any

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding, operation_location
from harness.security.fixtures import Applicant, make_round
from harness.security.registry import ProbeReport, check

__all__ = ["applicant_isolation"]

_ID_HEADERS = ("X-Applicant-Id", "X-User-Id", "X-Forwarded-User")
_FIX = Message.of("security.s02.fix",
                  "take the applicant only from the verified token: ignore any applicant id in"
                  " the body, query, headers or path, and check that the token belongs to the"
                  " round in the path")


def _deposit_vectors(rid: str, victim: str, amount: int) -> dict[str, dict[str, Any]]:
    base = f"/v1/rounds/{rid}/deposits"
    return {
        "body": {"path": base, "body": {"amount": amount, "applicant_id": victim}},
        "query": {"path": f"{base}?applicant_id={victim}", "body": {"amount": amount}},
        "headers": {"path": base, "body": {"amount": amount},
                    "headers": {name: victim for name in _ID_HEADERS}},
        "path": {"path": f"/v1/rounds/{rid}/applicants/{victim}/deposits",
                 "body": {"amount": amount}},
    }


def _read_vectors(rid: str, victim: str) -> dict[str, dict[str, Any]]:
    me = f"/v1/rounds/{rid}/me"
    return {
        "query": {"path": f"{me}?applicant_id={victim}"},
        "headers": {"path": me, "headers": {name: victim for name in _ID_HEADERS}},
        "path": {"path": f"{me}/{victim}"},
        "resource": {"path": f"/v1/rounds/{rid}/applicants/{victim}"},
    }


def _secrets_of(victim: Applicant, deposit_id: str | None) -> list[str]:
    found = [victim.person.national_id, json.dumps(victim.person.name)]
    return found + ([deposit_id] if deposit_id else [])


def _leak(report: ProbeReport, ctx: ProbeContext, exchange: Exchange, victim: Applicant,
          deposit_id: str | None, vector: str) -> None:
    body = exchange.json()
    shown = isinstance(body, dict) and body.get("applicant_id") == victim.applicant_id
    leaked = [s for s in _secrets_of(victim, deposit_id) if s in exchange.body]
    if exchange.ok and (shown or leaked):
        report.add(finding(
            "S-02", f"S-02/read-{vector}", Severity.HIGH,
            Message.of("security.s02.read_other",
                       "applicant A read applicant B's data by naming B in the {vector}"
                       " ({method} {path} answered {status})", vector=vector,
                       method=exchange.method, path=exchange.path, status=exchange.status),
            _FIX, cwe=639, location=operation_location(ctx.contract, exchange.method,
                                                       exchange.path),
            exchanges=[exchange]))


def _pay_as_other(ctx: ProbeContext, report: ProbeReport, rid: str,
                  pairs: list[tuple[str, Applicant, Applicant]]) -> dict[str, Applicant]:
    payer_by_key: dict[str, Applicant] = {}
    for vector, attacker, victim in pairs:
        spec = _deposit_vectors(rid, victim.applicant_id, ctx.settings.deposit_amount)[vector]
        key = f"s02-{vector}-{ctx.run_seed.run_part}"
        payer_by_key[key] = attacker
        exchange = ctx.send("POST", spec["path"], caller="applicant", token=attacker.token,
                            json_body=spec["body"],
                            headers={"Idempotency-Key": key, **spec.get("headers", {})})
        report.evidence.setdefault("deposit_attempts", {})[vector] = exchange.status
        body = exchange.json()
        if exchange.ok and isinstance(body, dict) and body.get("applicant_id") == \
                victim.applicant_id:
            report.add(finding(
                "S-02", f"S-02/pay-{vector}", Severity.HIGH,
                Message.of("security.s02.paid_as_other",
                           "applicant A's deposit was recorded for applicant B named in the"
                           " {vector}", vector=vector),
                _FIX, cwe=639, location="contract:POST /v1/rounds/{rid}/deposits",
                exchanges=[exchange]))
    return payer_by_key


def _ledger_check(ctx: ProbeContext, report: ProbeReport, rid: str,
                  payer_by_key: dict[str, Applicant], victims: list[Applicant]) -> None:
    exchange = ctx.operator("GET", f"/v1/rounds/{rid}/deposits")
    body = ctx.expect(exchange, 200)
    ledger = body.get("deposits") if isinstance(body, dict) else None
    ledger = ledger if isinstance(ledger, list) else []
    victim_ids = {v.applicant_id for v in victims}
    for entry in ledger:
        if not isinstance(entry, dict):
            continue
        payer = payer_by_key.get(str(entry.get("idempotency_key")))
        wrong = payer is not None and entry.get("applicant_id") != payer.applicant_id
        if wrong or entry.get("applicant_id") in victim_ids:
            report.add(finding(
                "S-02", "S-02/ledger-other", Severity.HIGH,
                Message.of("security.s02.ledger_other",
                           "the ledger holds a deposit for applicant {victim} that this"
                           " applicant never made", victim=entry.get("applicant_id")),
                _FIX, cwe=639, location="contract:POST /v1/rounds/{rid}/deposits",
                exchanges=[exchange], entry=entry))
    report.measure("ledger_entries", len(ledger))


def _other_round(ctx: ProbeContext, report: ProbeReport, attacker: Applicant) -> None:
    other = make_round(ctx, "02other", size=1, primary=1, until="drawn")
    rid = other.round_id
    tries = [
        ctx.send("GET", f"/v1/rounds/{rid}/me", caller="applicant-other-round",
                 token=attacker.token),
        ctx.send("POST", f"/v1/rounds/{rid}/deposits", caller="applicant-other-round",
                 token=attacker.token, json_body={"amount": ctx.settings.deposit_amount},
                 headers={"Idempotency-Key": f"s02-other-{ctx.run_seed.run_part}"}),
    ]
    for exchange in tries:
        if exchange.ok:
            report.add(finding(
                "S-02", "S-02/other-round", Severity.HIGH,
                Message.of("security.s02.other_round",
                           "an applicant token of one round was accepted on another round"
                           " ({method} {path}: {status})", method=exchange.method,
                           path=exchange.path, status=exchange.status),
                _FIX, cwe=863, location=operation_location(ctx.contract, exchange.method,
                                                           exchange.path),
                exchanges=[exchange]))


@check("S-02", "applicant-isolation")
def applicant_isolation(ctx: ProbeContext, report: ProbeReport) -> None:
    deposit_kinds = list(_deposit_vectors("r", "v", 1))
    read_kinds = list(_read_vectors("r", "v"))
    size = 2 * (len(deposit_kinds) + len(read_kinds))
    drawn = make_round(ctx, "02", size=size, primary=size, until="drawn")
    people = drawn.applicants
    pairs = [(kind, people[2 * i], people[2 * i + 1]) for i, kind in enumerate(deposit_kinds)]
    payer_by_key = _pay_as_other(ctx, report, drawn.round_id, pairs)
    offset = 2 * len(deposit_kinds)
    readers = [(kind, people[offset + 2 * i], people[offset + 2 * i + 1])
               for i, kind in enumerate(read_kinds)]
    for kind, reader, victim in readers:
        key = f"s02-own-{kind}-{ctx.run_seed.run_part}"
        paid = ctx.send("POST", f"/v1/rounds/{drawn.round_id}/deposits", caller="applicant",
                        token=victim.token, json_body={"amount": ctx.settings.deposit_amount},
                        headers={"Idempotency-Key": key})
        payer_by_key[key] = victim
        answer = ctx.expect(paid, 201)
        deposit = answer if isinstance(answer, dict) else {}
        spec = _read_vectors(drawn.round_id, victim.applicant_id)[kind]
        exchange = ctx.send("GET", spec["path"], caller="applicant", token=reader.token,
                            headers=spec.get("headers"))
        _leak(report, ctx, exchange, victim, deposit.get("deposit_id"), kind)
    _ledger_check(ctx, report, drawn.round_id, payer_by_key, [v for _, _, v in pairs])
    _other_round(ctx, report, people[0])
    report.evidence["vectors"] = {"deposit": deposit_kinds, "read": read_kinds,
                                  "id_headers": list(_ID_HEADERS)}
    report.measure("vectors", len(deposit_kinds) + len(read_kinds) + 2)
