"""Recorded exchanges: the exact requests and responses that prove a finding, tokens redacted.

Every request a probe sends goes through ``Recorder.send``, which keeps an ``Exchange``: what was
sent (method, path, headers, body) and what came back (status, headers, body). Findings quote
exchanges through ``Exchange.evidence()``, where every token the run knows (the operator's, every
applicant's, the made-up wrong ones) is replaced by a label, and any ``"token"`` field or bearer
credential still left is masked.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetError
from harness.target import HttpTarget

__all__ = ["Exchange", "Recorder", "Redactor"]

_EXCERPT = 1500  # characters of a body quoted in evidence
_KEPT = 65_536  # characters of a body kept for the detectors
_TOKEN_FIELD = re.compile(r'("token"\s*:\s*")[^"]*(")')
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
_QUOTED_HEADERS = ("content-type", "cache-control", "x-content-type-options", "retry-after",
                   "access-control-allow-origin", "access-control-allow-credentials", "server",
                   "x-powered-by", "allow", "location")


class Redactor:
    """Replaces known secrets with labels such as ``[operator token]``; thread-safe."""

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, secret: str | None, label: str) -> None:
        if secret and len(secret) >= 4:
            with self._lock:
                self._labels.setdefault(secret, f"[{label}]")

    def __call__(self, text: str) -> str:
        with self._lock:
            labels = sorted(self._labels.items(), key=lambda item: -len(item[0]))
        for secret, label in labels:
            text = text.replace(secret, label)
        text = _TOKEN_FIELD.sub(r"\1[redacted]\2", text)
        return _BEARER.sub(r"\1[redacted]", text)


@dataclass(frozen=True)
class Exchange:
    """One request and what came of it (``status`` None when no complete answer came)."""

    method: str
    path: str
    caller: str  # none | operator | applicant | wrong-token | ...
    request_headers: Mapping[str, str]
    request_body: str
    status: int | None
    headers: Mapping[str, str]  # response headers, names lower-cased
    content: bytes  # the response body, unredacted: never quoted as is
    elapsed_s: float
    error: Mapping[str, Any] | None = None
    redact: Redactor = field(default_factory=Redactor, repr=False, compare=False)

    @property
    def body(self) -> str:
        """The start of the body as text (what the detectors read)."""
        return self.content[:_KEPT].decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def evidence(self) -> dict[str, Any]:
        """The exchange as it appears in findings: quoted headers, excerpts, secrets masked."""
        quoted = {k: self.redact(v) for k, v in self.headers.items() if k in _QUOTED_HEADERS}
        return {
            "request": {
                "method": self.method, "path": self.redact(self.path), "caller": self.caller,
                "headers": {k: self.redact(v) for k, v in self.request_headers.items()},
                "body": self.redact(self.request_body)[:_EXCERPT],
            },
            "response": None if self.status is None else {
                "status": self.status, "headers": quoted,
                "body": self.redact(self.body)[:_EXCERPT],
            },
            "error": None if self.error is None else {
                k: self.redact(v) if isinstance(v, str) else v for k, v in self.error.items()},
            "elapsed_s": round(self.elapsed_s, 4),
        }


class Recorder:
    """Sends requests through an ``HttpTarget`` and keeps every exchange (thread-safe)."""

    def __init__(self, client: HttpTarget, redact: Redactor) -> None:
        self.client = client
        self.redact = redact
        self._log: list[Exchange] = []
        self._lock = threading.Lock()

    @property
    def log(self) -> list[Exchange]:
        with self._lock:
            return list(self._log)

    def send(
        self, method: str, path: str, *, caller: str, token: str | None = None,
        json_body: Any = None, content: bytes | None = None,
        headers: Mapping[str, str] | None = None, raise_errors: bool = True,
        client: HttpTarget | None = None,
    ) -> Exchange:
        """Send one request; a ``TargetError`` is re-raised after being recorded unless
        ``raise_errors`` is False (then the exchange carries it with ``status`` None)."""
        sent_headers = dict(headers or {})
        if token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        body_text = _body_text(json_body, content)
        began = time.monotonic()
        try:
            response = (client or self.client).request(
                method, path, json=json_body, content=content, headers=headers, token=token)
        except TargetError as exc:
            record = Exchange(method, path, caller, sent_headers, body_text, None, {}, b"",
                              time.monotonic() - began, exc.evidence(), self.redact)
            self._keep(record)
            if raise_errors:
                raise
            return record
        record = Exchange(
            method, path, caller, sent_headers, body_text, response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content, response.elapsed.total_seconds(), None, self.redact,
        )
        self._keep(record)
        return record

    def _keep(self, record: Exchange) -> None:
        with self._lock:
            self._log.append(record)


def _body_text(json_body: Any, content: bytes | Iterable[bytes] | None) -> str:
    if json_body is not None:
        return json.dumps(json_body, ensure_ascii=False)[:_KEPT]
    if isinstance(content, bytes):
        return content[:_KEPT].decode("utf-8", errors="replace")
    return ""
