"""S-07: errors leak no internals; responses carry the contract's security headers.

The check provokes the errors a client can cause (unknown path and method, malformed, non-UTF-8,
deeply nested and oversized bodies, wrong types, bad credentials) and then reviews *every*
exchange of the suite, the other checks' included: no error body shows a stack trace, SQL or a
framework banner (text the request itself sent is not held against the system); every response
carries ``X-Content-Type-Options: nosniff``; every response about personal data (``/me``,
deposits, the ledger, the audit log) carries ``Cache-Control: no-store``; and no cross-origin
answer combines a wildcard or a reflected origin with credentials. A ``Server`` or
``X-Powered-By`` header naming a version is a LOW note.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding, operation_location
from harness.security.fixtures import make_round
from harness.security.leaks import scan, version_banner
from harness.security.registry import ProbeReport, check

__all__ = ["error_disclosure", "sent_values"]

# Personal data lives under a round id of the contract's pattern; a path whose id cannot name a
# round (a path-traversal payload, say) may be routed elsewhere by the server and holds none.
_PERSONAL = re.compile(r"^/v1/rounds/[A-Za-z0-9_-]{1,64}/(?:me|deposits|audit)$")
_ORIGIN = "https://attacker.example"
_FIX_LEAK = Message.of("security.s07.fix_leak",
                       "catch every failure at the edge and answer the contract's error shape"
                       " with a plain message; keep stack traces, SQL and versions in the log")
_FIX_HEADERS = Message.of("security.s07.fix_headers",
                          "add X-Content-Type-Options: nosniff to every response and"
                          " Cache-Control: no-store to every response about personal data")
_FIX_CORS = Message.of("security.s07.fix_cors",
                       "never allow credentials together with a wildcard or reflected origin;"
                       " list the origins that may call the API, or send no CORS headers")


def sent_values(exchange: Exchange) -> list[str]:
    """Every string the request carried (path segments, header values, JSON string leaves)."""
    found = [unquote(part) for part in exchange.path.split("?")[0].split("/") if part]
    found += [unquote(exchange.path.split("?", 1)[1])] if "?" in exchange.path else []
    found += [v for k, v in exchange.request_headers.items() if k.lower() != "authorization"]
    try:
        stack: list[Any] = [json.loads(exchange.request_body)]
    except (ValueError, RecursionError):
        stack = [exchange.request_body]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack += list(item.values()) + list(item.keys())
        elif isinstance(item, list):
            stack += item
    return [value for value in found if len(value) >= 3]


def _provoke(ctx: ProbeContext, rid: str) -> None:
    base = f"/v1/rounds/{rid}"
    json_type = {"Content-Type": "application/json"}
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/v1/no-such-resource", {}),
        ("DELETE", base, {}),
        ("PUT", "/v1/rounds", {"json_body": {}}),
        ("POST", base + "/registrations", {"content": b'{"national_id": ', "headers": json_type}),
        ("POST", base + "/registrations", {"content": b'{"name": "\xff\xfe"}',
                                           "headers": json_type}),
        ("POST", base + "/registrations", {"json_body": {"national_id": 5, "name": [],
                                                         "region": {}}}),
        ("POST", base + "/registrations", {"content": b"[" * 5000 + b"]" * 5000,
                                           "headers": json_type}),
        ("POST", base + "/registrations", {"content": b'{"national_id": NaN}',
                                           "headers": json_type}),
        ("POST", base + "/registrations", {"content": b"<x/>",
                                           "headers": {"Content-Type": "text/xml"}}),
        ("POST", base + "/registrations", {"content": b"x" * (1024 * 1024 + 1),
                                           "headers": json_type}),
        ("GET", base + "/me", {"headers": {"Authorization": "Basic YWRtaW46YWRtaW4="}}),
        ("GET", base + "/me", {"token": "t" * 600}),
        ("GET", "/v1/rounds/no-such-round-%00", {}),
        ("POST", base + "/deposits", {"json_body": {"amount": "1000"}}),
    ]
    for method, path, options in attempts:
        ctx.send(method, path, caller="none", raise_errors=False, **options)


def _cors(ctx: ProbeContext, rid: str) -> list[Exchange]:
    headers = {"Origin": _ORIGIN, "Access-Control-Request-Method": "GET",
               "Access-Control-Request-Headers": "authorization"}
    return [ctx.send("OPTIONS", f"/v1/rounds/{rid}/me", caller="none", headers=headers,
                     raise_errors=False),
            ctx.send("GET", "/healthz", caller="none", headers={"Origin": _ORIGIN},
                     raise_errors=False)]


def _once(report: ProbeReport, rule: str, location: str) -> bool:
    return not any(f.evidence.get("rule") == rule and f.location == location
                   for f in report.findings)


def _review(ctx: ProbeContext, report: ProbeReport, exchange: Exchange) -> None:
    where = operation_location(ctx.contract, exchange.method, exchange.path)
    status = exchange.status or 0
    if status >= 400:
        for leak in scan(exchange.body, sent_values(exchange),
                         kinds=("stack_trace", "sql", "banner")):
            rule = f"S-07/{leak.kind}"
            if _once(report, rule, where):
                report.add(finding(
                    "S-07", rule, Severity.MEDIUM,
                    Message.of("security.s07.leak", "a {status} error of {method} {path} shows"
                               " {what}", status=status, method=exchange.method,
                               path=exchange.path, what=leak.detector),
                    _FIX_LEAK, cwe=leak.cwe, location=where, exchanges=[exchange],
                    leak=exchange.redact(leak.excerpt)))
    if (exchange.header("x-content-type-options") or "").strip().lower() != "nosniff":
        if _once(report, "S-07/nosniff", where):
            report.add(finding(
                "S-07", "S-07/nosniff", Severity.MEDIUM,
                Message.of("security.s07.nosniff", "a {status} answer of {method} {path} lacks"
                           " X-Content-Type-Options: nosniff", status=status,
                           method=exchange.method, path=exchange.path),
                _FIX_HEADERS, cwe=693, location=where, exchanges=[exchange]))
    cache = (exchange.header("cache-control") or "").lower()
    if _PERSONAL.match(exchange.path.split("?")[0]) and exchange.method in ("GET", "POST") \
            and "no-store" not in cache and _once(report, "S-07/no-store", where):
        report.add(finding(
            "S-07", "S-07/no-store", Severity.MEDIUM,
            Message.of("security.s07.no_store", "a {status} answer of {method} {path} (personal"
                       " data) lacks Cache-Control: no-store", status=status,
                       method=exchange.method, path=exchange.path),
            _FIX_HEADERS, cwe=525, location=where, exchanges=[exchange]))
    banner = version_banner(dict(exchange.headers))
    if banner and _once(report, "S-07/version", "contract:"):
        report.add(finding(
            "S-07", "S-07/version", Severity.LOW,
            Message.of("security.s07.version", "responses name the server's version ({banner})",
                       banner=banner),
            _FIX_LEAK, cwe=200, location="contract:", exchanges=[exchange]))


def _judge_cors(report: ProbeReport, answers: list[Exchange]) -> None:
    for exchange in answers:
        allowed = (exchange.header("access-control-allow-origin") or "").strip()
        credentials = (exchange.header("access-control-allow-credentials") or "").lower()
        if allowed in ("*", _ORIGIN) and credentials.strip() == "true":
            report.add(finding(
                "S-07", "S-07/cors", Severity.HIGH,
                Message.of("security.s07.cors", "{method} {path} allows origin {origin} with"
                           " credentials", method=exchange.method, path=exchange.path,
                           origin=allowed),
                _FIX_CORS, cwe=942, location="contract:", exchanges=[exchange]))


@check("S-07", "error-disclosure")
def error_disclosure(ctx: ProbeContext, report: ProbeReport) -> None:
    fixture = make_round(ctx, "07", size=1, primary=1)
    _provoke(ctx, fixture.round_id)
    _judge_cors(report, _cors(ctx, fixture.round_id))
    log = [e for e in ctx.recorder.log if e.status is not None]
    for n, exchange in enumerate(log):
        _review(ctx, report, exchange)
        if n % 200 == 0:
            ctx.step("S-07 review", n, len(log))
    report.measure("responses_reviewed", len(log))
    report.measure("error_responses_reviewed", sum((e.status or 0) >= 400 for e in log))
