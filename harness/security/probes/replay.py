"""S-06: a replayed deposit is answered with the original and never applied twice; a deposit
without an Idempotency-Key is refused.

In a drawn round of primaries: one applicant pays, then sends the same request again (the
contract's answer: 200 with the original deposit); a second applicant sends the same request
several times at once (exactly one 201; the others 200 with the same deposit or 409
``request_in_progress``); a third pays without the header, then with an empty one (400
``idempotency_key_required``, nothing recorded). The ledger must then hold exactly one entry per
paying applicant, under the key that was sent.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding
from harness.security.fixtures import Applicant, make_round
from harness.security.registry import ProbeReport, check

__all__ = ["deposit_replay"]

_AT_ONCE = 4
_WHERE = "contract:POST /v1/rounds/{rid}/deposits"
_FIX = Message.of("security.s06.fix",
                  "store each deposit with its (round, applicant, Idempotency-Key) under a unique"
                  " constraint, answer a replay with the original deposit (200), and refuse"
                  " deposits without a key (400 idempotency_key_required)")


def _bad(report: ProbeReport, rule: str, text: str, exchanges: list[Exchange],
         severity: Severity = Severity.HIGH, **params: Any) -> None:
    report.add(finding("S-06", f"S-06/{rule}", severity,
                       Message.of(f"security.s06.{rule.replace('-', '_')}", text, **params),
                       _FIX, cwe=837, location=_WHERE, exchanges=exchanges))


def _pay(ctx: ProbeContext, rid: str, who: Applicant, key: str | None,
         client: Any = None) -> Exchange:
    headers = None if key is None else {"Idempotency-Key": key}
    return ctx.send("POST", f"/v1/rounds/{rid}/deposits", caller="applicant", token=who.token,
                    json_body={"amount": ctx.settings.deposit_amount}, headers=headers,
                    client=client)


def _deposit_id(exchange: Exchange) -> object:
    body = exchange.json()
    return body.get("deposit_id") if isinstance(body, dict) else None


def _sequential(ctx: ProbeContext, report: ProbeReport, rid: str, who: Applicant) -> None:
    key = f"s06-replay-{ctx.run_seed.run_part}"
    first, again = _pay(ctx, rid, who, key), _pay(ctx, rid, who, key)
    ctx.expect(first, 201)
    if again.status != 200 or _deposit_id(again) != _deposit_id(first):
        _bad(report, "replay-not-original", "a replay with the same key got {status} instead of"
             " 200 with the original deposit", [first, again], status=again.status)


def _concurrent(ctx: ProbeContext, report: ProbeReport, rid: str, who: Applicant) -> None:
    key = f"s06-burst-{ctx.run_seed.run_part}"
    clients = [ctx.recorder.client.clone() for _ in range(_AT_ONCE)]
    try:
        with ThreadPoolExecutor(_AT_ONCE) as pool:
            answers = list(pool.map(lambda c: _pay(ctx, rid, who, key, c), clients))
    finally:
        for client in clients:
            client.close()
    created = [a for a in answers if a.status == 201]
    ids = {_deposit_id(a) for a in answers if a.status in (200, 201)}
    allowed = all(a.status in (200, 201, 409, 503) for a in answers)
    if len(created) > 1 or len(ids) > 1 or not allowed:
        _bad(report, "burst", "{n} simultaneous requests with one key gave statuses {statuses}"
             " and {ids} distinct deposits", answers, n=_AT_ONCE,
             statuses=sorted(a.status or 0 for a in answers), ids=len(ids))
    report.measure("simultaneous_replays", _AT_ONCE)


def _missing(ctx: ProbeContext, report: ProbeReport, rid: str, who: Applicant) -> None:
    for key in (None, ""):
        answer = _pay(ctx, rid, who, key)
        if answer.status != 400 or answer.ok:
            _bad(report, "missing-key", "a deposit with {what} Idempotency-Key got {status}, not"
                 " 400 idempotency_key_required", [answer],
                 Severity.HIGH if answer.ok else Severity.MEDIUM,
                 what="no" if key is None else "an empty", status=answer.status)


def _ledger(ctx: ProbeContext, report: ProbeReport, rid: str, payers: dict[str, str]) -> None:
    exchange = ctx.operator("GET", f"/v1/rounds/{rid}/deposits")
    body = ctx.expect(exchange, 200)
    entries = body.get("deposits") if isinstance(body, dict) else None
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    by_applicant: dict[object, list[dict[str, Any]]] = {}
    for entry in entries:
        by_applicant.setdefault(entry.get("applicant_id"), []).append(entry)
    for applicant, key in payers.items():
        mine = by_applicant.get(applicant, [])
        if len(mine) != 1 or mine[0].get("idempotency_key") != key:
            _bad(report, "ledger", "the ledger holds {n} deposit(s) for one applicant"
                 " (expected 1, under the key sent)", [exchange], n=len(mine))
    extra = [e for e in entries if e.get("applicant_id") not in payers]
    if extra:
        _bad(report, "ledger-extra", "the ledger holds {n} deposit(s) from requests that sent no"
             " key", [exchange], n=len(extra))
    report.measure("ledger_entries", len(entries))


@check("S-06", "deposit-replay")
def deposit_replay(ctx: ProbeContext, report: ProbeReport) -> None:
    fixture = make_round(ctx, "06", size=3, primary=3, until="drawn")
    first, second, third = fixture.applicants
    rid = fixture.round_id
    _sequential(ctx, report, rid, first)
    _concurrent(ctx, report, rid, second)
    _missing(ctx, report, rid, third)
    part = ctx.run_seed.run_part
    _ledger(ctx, report, rid, {first.applicant_id: f"s06-replay-{part}",
                               second.applicant_id: f"s06-burst-{part}"})
