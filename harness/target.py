"""Target adapter: the only way a suite talks to a system under test.

Every suite, the reference included, reaches a system through ``HttpTarget`` over ASTI-1, so the
reference gets no treatment a vendor system would not get. Every call has a total deadline and a
bound on the size of the body it reads, and every way a call can go wrong ends in one exception
family, ``TargetError`` (``TargetUnreachable``, ``TargetTimeout``, ``TargetProtocolError``), with
the evidence of the exchange and never a token. Convenience methods check the status code and the
shape the contract promises; ``request`` gives raw access for probes that study failures.

Threads: an ``HttpTarget`` (its requests ``Session``) serves one thread. Give each other thread
its own with ``clone()``: same URL, token and limits, a new session (sharing only the transport
adapters of a session passed in, such as an in-process test transport).
"""

from __future__ import annotations

import json as _json
import re
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError

from harness import __version__
from harness.deadline import CallGuard, guarded, new_session
from harness.errors import (
    TargetError,
    TargetProtocolError,
    TargetTimeout,
    TargetUnreachable,
    UsageError,
)

__all__ = ["HttpTarget"]

_EXCERPT_CHARS = 300
_REDACTED = "[redacted]"
_TOKEN_FIELD = re.compile(r'("token"\s*:\s*")[^"]*(")')
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
# The contract fixes these statuses; a different one is a protocol error with evidence.
_OK, _CREATED, _UNAUTHORIZED = 200, 201, 401


class HttpTarget:
    """An ASTI-1 system at ``base_url``, with the operator token ``admin_token``.

    ``deadline`` bounds each call from sending to the last byte of the answer (seconds);
    ``connect_timeout`` bounds making the connection. A ``session`` passed in stays the caller's
    (``close`` leaves it open); without one the target makes and owns its own.
    """

    MAX_BODY_BYTES = 64 * 1024 * 1024  # no answer of ASTI-1 comes near this; a runaway one stops

    def __init__(
        self,
        base_url: str,
        admin_token: str | None = None,
        *,
        session: requests.Session | None = None,
        deadline: float = 60.0,
        connect_timeout: float = 5.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{base_url[:200]!r} is not an http:// or https:// URL")
        if deadline <= 0 or connect_timeout <= 0:
            raise UsageError("the deadline and the connect timeout must be positive")
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.deadline = deadline
        self.connect_timeout = connect_timeout
        self._owns_session = session is None
        self._session = session or new_session(f"allocation-harness/{__version__}")

    @property
    def session(self) -> requests.Session:
        return self._session

    def clone(self) -> HttpTarget:
        """The same target on a new session, for use in another thread."""
        session = new_session(f"allocation-harness/{__version__}")
        if not self._owns_session:
            session.headers.update(self._session.headers)
            for prefix, adapter in self._session.adapters.items():
                if not isinstance(adapter, HTTPAdapter):  # an in-process transport, say
                    session.mount(prefix, adapter)
        twin = HttpTarget(
            self.base_url,
            self.admin_token,
            session=session,
            deadline=self.deadline,
            connect_timeout=self.connect_timeout,
        )
        twin._owns_session = True
        return twin

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> HttpTarget:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # raw access -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        deadline: float | None = None,
    ) -> requests.Response:
        """Send one request and read the whole answer within the deadline.

        Whatever the status, the answer is returned with its body read (``content``, ``text``,
        ``json()``); a call that gets no complete HTTP answer raises a ``TargetError``.
        """
        send = {name: value.strip(" \t") for name, value in (headers or {}).items()}
        if token is not None:
            send["Authorization"] = f"Bearer {token}"
        data: Any = content
        if json is not None:
            text = _json.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            data = text.encode("utf-8")
            send.setdefault("Content-Type", "application/json")
        budget = self.deadline if deadline is None else deadline
        started = time.monotonic()
        with guarded(started + budget) as guard:
            try:
                response = self._session.request(
                    method, self.base_url + path, data=data, headers=send, stream=True,
                    allow_redirects=False, timeout=(min(self.connect_timeout, budget), budget),
                )
                body = self._read_body(response, method, path, started)
            except TargetError:
                raise
            except requests.exceptions.InvalidHeader as exc:
                raise UsageError(f"{method} {path}: a header cannot be sent ({exc})") from None
            except (OSError, Urllib3Error, ValueError) as exc:  # requests' errors are OSErrors
                raise self._transport_error(exc, guard, method, path, started, budget) from exc
        if guard.fired:
            raise self._timeout(method, path, started, budget)
        response._content = body
        response.elapsed = timedelta(seconds=time.monotonic() - started)
        return response

    def _read_body(
        self, response: requests.Response, method: str, path: str, started: float
    ) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(65536):
            size += len(chunk)
            if size > self.MAX_BODY_BYTES:
                response.close()
                raise TargetProtocolError(
                    f"{method} {path}: the answer is larger than {self.MAX_BODY_BYTES} bytes",
                    method=method, path=path, status=response.status_code,
                    excerpt=self._excerpt(b"".join(chunks)), elapsed=time.monotonic() - started,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _timeout(self, method: str, path: str, started: float, budget: float) -> TargetTimeout:
        return TargetTimeout(
            f"{method} {path}: no complete answer within the {budget:g} s deadline",
            method=method, path=path, elapsed=time.monotonic() - started,
        )

    def _transport_error(
        self, exc: BaseException, guard: CallGuard, method: str, path: str, started: float,
        budget: float,
    ) -> TargetError:
        if guard.fired or isinstance(exc, requests.exceptions.ReadTimeout):
            return self._timeout(method, path, started, budget)
        elapsed = time.monotonic() - started
        where = f"{method} {path}"
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return TargetUnreachable(
                f"{where}: no connection to {self.base_url} within {self.connect_timeout:g} s",
                method=method, path=path, elapsed=elapsed,
            )
        if _connect_failed(exc):
            return TargetUnreachable(
                f"{where}: cannot connect to {self.base_url} ({_reason(exc)})",
                method=method, path=path, elapsed=elapsed,
            )
        return TargetProtocolError(
            f"{where}: the exchange broke off before a complete HTTP answer ({_reason(exc)})",
            method=method, path=path, elapsed=elapsed,
        )

    def _excerpt(self, body: bytes, *secrets: str | None) -> str:
        text = body[:4096].decode("utf-8", errors="replace")
        for secret in (self.admin_token, *secrets):
            if secret:
                text = text.replace(secret, _REDACTED)
        text = _BEARER.sub(rf"\1{_REDACTED}", _TOKEN_FIELD.sub(rf"\1{_REDACTED}\2", text))
        return text[:_EXCERPT_CHARS]

    def protocol_error(self, response: requests.Response, problem: str) -> TargetProtocolError:
        """A ``TargetProtocolError`` about ``response``, carrying its evidence (tokens redacted)."""
        request = response.request
        method = request.method or "?"
        path = urlsplit(request.path_url or "/").path
        auth = request.headers.get("Authorization") or ""
        text = auth.decode("latin-1") if isinstance(auth, bytes) else auth
        used = text.split(" ", 1)[1] if " " in text else None
        excerpt = self._excerpt(response.content, used)
        return TargetProtocolError(
            f"{method} {path}: {problem}: {excerpt[:120]!r}",
            method=method, path=path, status=response.status_code, excerpt=excerpt,
            elapsed=response.elapsed.total_seconds(),
        )

    def operator(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request with the operator token; a 401 means the token given to us is wrong."""
        if not self.admin_token:
            raise UsageError("an operator token is needed (--admin-token or HARNESS_ADMIN_TOKEN)")
        response = self.request(method, path, token=self.admin_token, **kwargs)
        if response.status_code == _UNAUTHORIZED:
            raise UsageError(
                f"{self.base_url} refused the operator token (401): check --admin-token"
            )
        return response

    # checked answers --------------------------------------------------------------------------

    def expect_status(self, response: requests.Response, status: int) -> requests.Response:
        if response.status_code != status:
            raise self.protocol_error(response, f"expected {status}, got {response.status_code}")
        return response

    def expect_object(self, response: requests.Response, status: int) -> dict[str, Any]:
        """The answer's JSON object, after checking its status."""
        self.expect_status(response, status)
        try:
            body = response.json()
        except ValueError:
            raise self.protocol_error(response, "the answer is not JSON") from None
        if not isinstance(body, dict):
            raise self.protocol_error(response, "the answer is not a JSON object")
        return body

    def expect_list(
        self, response: requests.Response, field: str, item: type | tuple[type, ...]
    ) -> list[Any]:
        """The list in the answer's ``field``, every element of type ``item``."""
        values = self.expect_object(response, _OK).get(field)
        if not isinstance(values, list) or not all(isinstance(v, item) for v in values):
            raise self.protocol_error(response, f"{field!r} is not a list of {_name(item)}")
        return values

    def expect_bytes(self, response: requests.Response, length: int) -> bytes:
        self.expect_status(response, _OK)
        if len(response.content) != length:
            raise self.protocol_error(
                response, f"expected {length} bytes, got {len(response.content)}"
            )
        return response.content

    # contract operations ---------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self.expect_object(self.request("GET", "/healthz"), _OK)

    def create_round(
        self, round_id: str, primary_slots: int, reserve_slots: int, deposit_amount: int
    ) -> dict[str, Any]:
        body = {
            "round_id": round_id,
            "primary_slots": primary_slots,
            "reserve_slots": reserve_slots,
            "deposit_amount": deposit_amount,
        }
        return self.expect_object(self.operator("POST", "/v1/rounds", json=body), _CREATED)

    def get_round(self, round_id: str) -> dict[str, Any]:
        return self.expect_object(self.request("GET", f"/v1/rounds/{round_id}"), _OK)

    def register(self, round_id: str, national_id: str, name: str, region: str) -> dict[str, Any]:
        body = {"national_id": national_id, "name": name, "region": region}
        response = self.request("POST", f"/v1/rounds/{round_id}/registrations", json=body)
        return self.expect_object(response, _CREATED)

    def close_registration(self, round_id: str) -> dict[str, Any]:
        return self.expect_object(self.operator("POST", f"/v1/rounds/{round_id}/close"), _OK)

    def applicant_list(self, round_id: str) -> bytes:
        response = self.request("GET", f"/v1/rounds/{round_id}/applicants")
        return self.expect_status(response, _OK).content

    def commit(self, round_id: str, beacon_source: str | None = None) -> dict[str, Any]:
        body = {} if beacon_source is None else {"beacon_source": beacon_source}
        response = self.operator("POST", f"/v1/rounds/{round_id}/commit", json=body)
        return self.expect_object(response, _OK)

    def draw(self, round_id: str, beacon_hex: str | None = None) -> dict[str, Any]:
        body = {"beacon": beacon_hex}
        response = self.operator("POST", f"/v1/rounds/{round_id}/draw", json=body)
        return self.expect_object(response, _OK)

    def results(self, round_id: str) -> dict[str, Any]:
        return self.expect_object(self.request("GET", f"/v1/rounds/{round_id}/results"), _OK)

    def me(self, round_id: str, token: str) -> dict[str, Any]:
        response = self.request("GET", f"/v1/rounds/{round_id}/me", token=token)
        return self.expect_object(response, _OK)

    def deposit(
        self, round_id: str, token: str, amount: int, idempotency_key: str
    ) -> requests.Response:
        """Raw: the deposit decisions are the contract's subject, so callers read the status."""
        return self.request(
            "POST",
            f"/v1/rounds/{round_id}/deposits",
            token=token,
            json={"amount": amount},
            headers={"Idempotency-Key": idempotency_key},
        )

    def close_deposits(self, round_id: str, expected_state: str | None = None) -> dict[str, Any]:
        """Close the deposit window; ``expected_state`` guards against a repeated close."""
        body = None if expected_state is None else {"expected_state": expected_state}
        response = self.operator("POST", f"/v1/rounds/{round_id}/deposits/close", json=body)
        return self.expect_object(response, _OK)

    def promotions(self, round_id: str) -> list[str]:
        response = self.request("GET", f"/v1/rounds/{round_id}/promotions")
        return self.expect_list(response, "promoted", str)

    def ledger(self, round_id: str) -> list[dict[str, Any]]:
        return self.expect_list(self.operator("GET", f"/v1/rounds/{round_id}/deposits"),
                                "deposits", dict)

    def audit(self, round_id: str) -> list[dict[str, Any]]:
        return self.expect_list(self.operator("GET", f"/v1/rounds/{round_id}/audit"),
                                "entries", dict)

    # lab mode --------------------------------------------------------------------------------

    def lab_draws(self, round_id: str, seeds_hex: list[str]) -> list[dict[str, Any]]:
        response = self.operator(
            "POST", f"/v1/lab/rounds/{round_id}/draws", json={"seeds": seeds_hex}
        )
        return self.expect_list(response, "draws", dict)

    def lab_random(self, round_id: str, seed_hex: str, n_bytes: int) -> bytes:
        body = {"seed": seed_hex, "n_bytes": n_bytes}
        response = self.operator("POST", f"/v1/lab/rounds/{round_id}/random", json=body)
        return self.expect_bytes(response, n_bytes)

    def lab_server_seeds(self, count: int) -> bytes:
        response = self.operator("POST", "/v1/lab/server-seeds", json={"count": count})
        return self.expect_bytes(response, 32 * count)


def _connect_failed(exc: BaseException) -> bool:
    """True when no connection was made (refused, unknown host), as opposed to one broken."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectionRefusedError):
            return True
        reason = getattr(current, "reason", None)
        nested = current.args[0] if current.args else None
        if isinstance(reason, BaseException):
            current = reason
        elif isinstance(nested, BaseException):
            current = nested
        else:
            current = current.__cause__ or current.__context__
    return False


def _reason(exc: BaseException) -> str:
    """The innermost cause's message, without urllib3's object reprs."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] [^'\")]+", text)
    if match:
        return match.group(0)
    return (text.split(": ", 1)[-1] if ": " in text else text)[:200] or type(exc).__name__


def _name(item: type | tuple[type, ...]) -> str:
    types = item if isinstance(item, tuple) else (item,)
    names: dict[type, str] = {dict: "objects", str: "strings"}
    return " or ".join(names.get(t, t.__name__) for t in types)
