"""HTTP: the Falcon application, its routes, and how every answer and error is written.

An outer WSGI layer, independent of Falcon, puts the contract's headers on every response
(whatever produced it) and refuses oversized bodies before anything else reads them.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import falcon

from targets.alternative import enrolment, lab, lifecycle, payments
from targets.alternative.clock import now_text
from targets.alternative.credentials import bearer_token
from targets.alternative.inputs import MAX_BODY
from targets.alternative.refusal import Refusal
from targets.alternative.storage import Busy
from targets.alternative.system import System

__all__ = ["SYSTEM_NAME", "VERSION", "build_app", "error_body"]

SYSTEM_NAME = "asti-alternative"
VERSION = "1.0.0"
_LOG = logging.getLogger("targets.alternative")
_PRIVATE = re.compile(r"/v1/(rounds/[^/]+/(me|deposits|deposits/close|audit|registrations)|lab/.*)")
_JSON = "application/json"
_RETRY_AFTER = "2"


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": code, "message": message}).encode("utf-8")


def _send(resp: falcon.Response, status: int, body: Any) -> None:
    resp.status = status
    resp.content_type = _JSON
    resp.data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _token(req: falcon.Request) -> str | None:
    return bearer_token(req.get_header("Authorization"))


def _body(req: falcon.Request) -> bytes:
    raw: bytes = req.bounded_stream.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise Refusal(413, "payload_too_large", "Request bodies are limited to 1 MiB.")
    return raw


class _Api:
    """Every contract operation; each responder is one call into the core."""

    def __init__(self, system: System) -> None:
        self.system = system

    def on_get_health(self, req: falcon.Request, resp: falcon.Response) -> None:
        with self.system.store.read() as tx:
            tx.one("SELECT 1")
        _send(resp, 200, {"contract": "ASTI-1", "status": "ok", "system": SYSTEM_NAME,
                          "version": VERSION, "server_time": now_text()})

    def on_post_rounds(self, req: falcon.Request, resp: falcon.Response) -> None:
        _send(resp, 201, lifecycle.create_round(self.system, _token(req), _body(req)))

    def on_get_round(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, lifecycle.read_round(self.system, rid))

    def on_post_registrations(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 201, enrolment.register(self.system, rid, _body(req)))

    def on_post_close(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _body(req)  # read and ignored
        _send(resp, 200, lifecycle.close_registration(self.system, _token(req), rid))

    def on_get_applicants(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        resp.content_type = "text/plain; charset=us-ascii"
        resp.data = lifecycle.applicant_list(self.system, rid)

    def on_post_commit(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, lifecycle.commit(self.system, _token(req), rid, _body(req)))

    def on_post_draw(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        resp.content_type = _JSON
        resp.data = lifecycle.perform_draw(self.system, _token(req), rid, _body(req))

    def on_get_results(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        resp.content_type = _JSON
        resp.data = lifecycle.results(self.system, rid)

    def on_get_me(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        view = enrolment.me(self.system, _token(req), rid)
        _send(resp, 200, {**view, "server_time": now_text()})

    def on_post_deposits(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        key = req.get_header("Idempotency-Key")
        status, body = payments.deposit(self.system, _token(req), rid, key, _body(req))
        _send(resp, status, body)

    def on_get_deposits(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, payments.ledger(self.system, _token(req), rid))

    def on_post_window(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, payments.close_window(self.system, _token(req), rid, _body(req)))

    def on_get_promotions(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, lifecycle.promotions(self.system, rid))

    def on_get_audit(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, lifecycle.audit_chain(self.system, _token(req), rid))


class _LabApi:
    def __init__(self, system: System) -> None:
        self.system = system

    def on_post_draws(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        _send(resp, 200, lab.lab_draws(self.system, _token(req), rid, _body(req)))

    def on_post_random(self, req: falcon.Request, resp: falcon.Response, rid: str) -> None:
        resp.content_type = "application/octet-stream"
        resp.data = lab.lab_random(self.system, _token(req), rid, _body(req))

    def on_post_seeds(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = "application/octet-stream"
        resp.data = lab.lab_server_seeds(self.system, _token(req), _body(req))


_ROUTES = (
    ("/healthz", "health"),
    ("/v1/rounds", "rounds"),
    ("/v1/rounds/{rid}", "round"),
    ("/v1/rounds/{rid}/registrations", "registrations"),
    ("/v1/rounds/{rid}/close", "close"),
    ("/v1/rounds/{rid}/applicants", "applicants"),
    ("/v1/rounds/{rid}/commit", "commit"),
    ("/v1/rounds/{rid}/draw", "draw"),
    ("/v1/rounds/{rid}/results", "results"),
    ("/v1/rounds/{rid}/me", "me"),
    ("/v1/rounds/{rid}/deposits", "deposits"),
    ("/v1/rounds/{rid}/deposits/close", "window"),
    ("/v1/rounds/{rid}/promotions", "promotions"),
    ("/v1/rounds/{rid}/audit", "audit"),
)
_LAB_ROUTES = (
    ("/v1/lab/rounds/{rid}/draws", "draws"),
    ("/v1/lab/rounds/{rid}/random", "random"),
    ("/v1/lab/server-seeds", "seeds"),
)


def _render(resp: falcon.Response, refusal: Refusal) -> None:
    resp.status = refusal.status
    resp.content_type = _JSON
    resp.data = error_body(refusal.code, refusal.message)
    for name, value in refusal.headers.items():
        resp.set_header(name, value)


def _on_refusal(req: falcon.Request, resp: falcon.Response, ex: Refusal, params: Any) -> None:
    _render(resp, ex)


_FRAMEWORK_CODES = {
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("payload_too_large", "Request bodies are limited to 1 MiB."),
}


def _on_http_error(
    req: falcon.Request, resp: falcon.Response, ex: falcon.HTTPError, params: Any
) -> None:
    """Falcon's own errors (unknown path, wrong method, ...) in the contract's shape."""
    status = ex.status_code
    code, message = _FRAMEWORK_CODES.get(status, ("invalid_request", "The request is malformed."))
    if status not in _FRAMEWORK_CODES and status >= 500:
        status, code, message = 500, "internal_error", "The system could not answer."
    elif status not in _FRAMEWORK_CODES:
        status = 400
    _render(resp, Refusal(status, code, message))
    allowed = dict(ex.headers or {}).get("Allow")
    if allowed:
        resp.set_header("Allow", allowed)


def _locked(ex: sqlite3.OperationalError) -> bool:
    text = str(ex).lower()
    return "locked" in text or "busy" in text


def _on_unexpected(req: falcon.Request, resp: falcon.Response, ex: Exception, params: Any) -> None:
    if isinstance(ex, Busy) or (isinstance(ex, sqlite3.OperationalError) and _locked(ex)):
        _LOG.warning("shedding %s %s: %s", req.method, req.path, ex)
        _render(resp, Refusal(503, "unavailable", "The system is busy; retry shortly.",
                              {"Retry-After": _RETRY_AFTER}))
        return
    _LOG.exception("unexpected error on %s %s", req.method, req.path)
    _render(resp, Refusal(500, "internal_error", "The system could not answer this request."))


def build_app(system: System) -> Callable[..., Iterable[bytes]]:
    """The WSGI application: Falcon inside the contract's header and body-size guard."""
    app = falcon.App(media_type=_JSON)
    api = _Api(system)
    for path, suffix in _ROUTES:
        app.add_route(path, api, suffix=suffix)
    if system.lab:
        lab_api = _LabApi(system)
        for path, suffix in _LAB_ROUTES:
            app.add_route(path, lab_api, suffix=suffix)
    app.add_error_handler(Exception, _on_unexpected)
    app.add_error_handler(falcon.HTTPError, _on_http_error)
    app.add_error_handler(Refusal, _on_refusal)
    return guard(app)


def guard(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Every response gets nosniff, private ones no-store; too large a body is refused first."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        private = bool(_PRIVATE.fullmatch(environ.get("PATH_INFO", "")))

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(k, v) for k, v in headers
                    if k.lower() not in ("x-content-type-options", "cache-control")]
            kept.append(("X-Content-Type-Options", "nosniff"))
            if private:
                kept.append(("Cache-Control", "no-store"))
            return start_response(status, kept, exc_info)

        declared = environ.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > MAX_BODY:
            body = error_body("payload_too_large", "Request bodies are limited to 1 MiB.")
            start("413 Content Too Large", [("Content-Type", _JSON),
                                            ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start)

    return guarded
