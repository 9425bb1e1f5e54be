"""What must never appear in a response: stack traces, SQL and database errors, framework banners,
and the visible result of an injected template, command or path.

Each detector is a named regular expression with the CWE it evidences. ``scan`` first removes
what the request itself sent (a system may legitimately quote a rejected value back), so only text
the system produced is judged. The patterns cover the common server stacks (Python, Java, .NET,
Node, PHP, Go, Ruby; SQLite, PostgreSQL, MySQL, Oracle, SQL Server) and are deliberately specific:
plain words such as "select" in a person's message do not match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Leak", "TEMPLATE_PRODUCT", "scan", "version_banner"]

TEMPLATE_PRODUCT = "9801647"  # 1337 * 7331: what an evaluated template payload would print


@dataclass(frozen=True)
class _Detector:
    kind: str  # stack_trace | sql | banner | evaluated
    name: str
    cwe: int
    pattern: re.Pattern[str]


def _d(kind: str, name: str, cwe: int, pattern: str, flags: int = 0) -> _Detector:
    return _Detector(kind, name, cwe, re.compile(pattern, flags))


_DETECTORS = (
    _d("stack_trace", "python traceback", 209, r"Traceback \(most recent call last\)"),
    _d("stack_trace", "python frame", 209, r'File "[^"\n]+", line \d+'),
    _d("stack_trace", "java frame", 209, r"\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)"),
    _d("stack_trace", "java exception", 209, r"Exception in thread \"|\bCaused by: [\w$.]+"),
    _d("stack_trace", ".NET frame", 209, r"\bat [\w.<>`]+\(.*\) in .+:line \d+"),
    _d("stack_trace", "node frame", 209, r"\bat .+ \((?:/|[A-Za-z]:\\).+\.[cm]?js:\d+:\d+\)"),
    _d("stack_trace", "php error", 209, r"(?:Fatal error|Stack trace):.* on line \d+|#\d \{main\}"),
    _d("stack_trace", "go panic", 209, r"goroutine \d+ \[running\]|panic: runtime error"),
    _d("stack_trace", "ruby frame", 209, r"\.rb:\d+:in `"),
    _d("sql", "sql state", 209, r"\bSQLSTATE\b|\bORA-\d{5}\b|\bSQL Server\b.*\berror\b"),
    _d("sql", "driver names", 209,
       r"\bsqlite3\.\w+|\bpsycopg2?\.\w+|\bsqlalchemy\.|\bpymysql\.|\bjava\.sql\.|\bPDOException"),
    _d("sql", "database error text", 209,
       r"syntax error at or near|near \"[^\"]*\": syntax error|You have an error in your SQL"
       r" syntax|unterminated quoted string|no such (?:table|column): |"
       r"\b(?:Integrity|Operational|Programming|Database)Error\b"),
    _d("sql", "sql statement", 209,
       r"\bSELECT\b[^\n]{0,200}\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE\s+\w+\s+SET\b"),
    _d("banner", "debug page", 215,
       r"Werkzeug Debugger|Whitelabel Error Page|Django Version:|DEBUG\s*=\s*True|"
       r"Server Error in '/' Application|Symfony\\Component|Laravel\b.*Exception"),
    _d("banner", "server and framework versions", 200,
       r"\b(?:Werkzeug|Flask|Django|FastAPI|Starlette|uvicorn|gunicorn|waitress|Falcon|Express|"
       r"Apache(?: Tomcat)?|Tomcat|Jetty|Kestrel|nginx|PHP|ASP\.NET|Microsoft-IIS)"
       r"[/ ]v?\d+(?:\.\d+)+",
       re.IGNORECASE),
    _d("evaluated", "template evaluated", 1336, re.escape(TEMPLATE_PRODUCT)),
    _d("evaluated", "command output", 78, r"\buid=\d+\([\w-]+\) gid=\d+"),
    _d("evaluated", "file contents", 22, r"root:[x*]?:0:0:|\[boot loader\]|\[fonts\]"),
)


@dataclass(frozen=True)
class Leak:
    kind: str
    detector: str
    cwe: int
    excerpt: str


def _without(text: str, sent: Iterable[str]) -> str:
    for value in sorted({s for s in sent if s}, key=len, reverse=True):
        for form in {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}:
            text = text.replace(form, " ")
    return text


def scan(text: str, sent: Iterable[str] = (), kinds: Iterable[str] | None = None) -> list[Leak]:
    """Every detector that matches ``text`` once the values in ``sent`` are taken out."""
    wanted = set(kinds) if kinds is not None else None
    body = _without(text, sent)
    found = []
    for detector in _DETECTORS:
        if wanted is not None and detector.kind not in wanted:
            continue
        match = detector.pattern.search(body)
        if match:
            start = max(0, match.start() - 60)
            found.append(Leak(detector.kind, detector.name, detector.cwe,
                              body[start:match.end() + 60]))
    return found


_VERSIONED = re.compile(r"[A-Za-z][\w.-]*/v?\d+(?:\.\d+)+")


def version_banner(headers: dict[str, str] | Iterable[tuple[str, str]]) -> str | None:
    """A ``Server``/``X-Powered-By``-style header naming a product with its version, if any."""
    items = headers.items() if isinstance(headers, dict) else headers
    for name, value in items:
        if name.lower() in ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version"):
            if _VERSIONED.search(value) or name.lower().startswith("x-aspnet"):
                return f"{name}: {value}"
    return None
