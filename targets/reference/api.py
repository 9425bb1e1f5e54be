"""HTTP routes of ASTI-1 and the mapping of every failure to the contract's error shape.

Routes only translate HTTP to calls of the operation modules: they read the token, the raw body
and the headers and run the (blocking, database-bound) operation in the thread pool.
"""

from __future__ import annotations

import importlib.resources
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio.to_thread
import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from targets.reference import deposits, lab, registration, rounds, status
from targets.reference.errors import ApiError
from targets.reference.security import bearer_token
from targets.reference.service import Service

__all__ = ["install_error_handlers", "router", "lab_router"]

_log = logging.getLogger("targets.reference")
router = APIRouter()
lab_router = APIRouter()
_R = "/v1/rounds/{rid}"


def _svc(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _token(request: Request) -> str | None:
    return bearer_token(request.headers.get("authorization"))


async def _call(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking operation on the service's own bounded set of worker threads."""
    service = _svc(request)
    return await anyio.to_thread.run_sync(partial(fn, service, *args), limiter=service.limiter)


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    settings = _svc(request).settings
    return JSONResponse({"status": "ok", "system": settings.system, "version": settings.version,
                         "contract": "ASTI-1"})


# The router tries its routes in the order they are declared, each try costing a path match: the
# requests of a results day (status polls, deposits) come right after the liveness check.
@router.post(_R + "/deposits")
async def deposit(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    key = request.headers.get("idempotency-key")
    code, body = await _call(request, deposits.deposit, _token(request), rid, key, raw)
    return JSONResponse(body, status_code=code)


@router.get(_R + "/me")
async def me(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, status.me, _token(request), rid))


def _contract_text() -> str:
    resource = importlib.resources.files("targets.contract").joinpath("openapi.yaml")
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ApiError(404, "not_found", "the contract document is not installed") from exc


@router.get("/openapi.yaml")
async def openapi_yaml() -> Response:
    return Response(_contract_text(), media_type="application/yaml")


@router.get("/openapi.json")
async def openapi_json() -> JSONResponse:
    return JSONResponse(yaml.safe_load(_contract_text()))


@router.post("/v1/rounds")
async def create_round(request: Request) -> JSONResponse:
    raw = await request.body()
    body = await _call(request, rounds.create_round, _token(request), raw)
    return JSONResponse(body, status_code=201)


@router.get(_R)
async def get_round(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, rounds.get_round, rid))


@router.post(_R + "/registrations")
async def register(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    body = await _call(request, registration.register, rid, raw)
    return JSONResponse(body, status_code=201)


@router.post(_R + "/close")
async def close(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, rounds.close_registration, _token(request), rid))


@router.get(_R + "/applicants")
async def applicants(request: Request, rid: str) -> Response:
    text = await _call(request, rounds.applicant_list, rid)
    return Response(text, media_type="text/plain; charset=utf-8")


@router.post(_R + "/commit")
async def commit(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    return JSONResponse(await _call(request, rounds.commit, _token(request), rid, raw))


@router.post(_R + "/draw")
async def draw(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    return JSONResponse(await _call(request, rounds.draw, _token(request), rid, raw))


@router.get(_R + "/results")
async def results(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, rounds.results, rid))


@router.post(_R + "/deposits/close")
async def close_deposits(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    return JSONResponse(await _call(request, deposits.close_deposits, _token(request), rid, raw))


@router.get(_R + "/promotions")
async def promotions(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, rounds.promotions, rid))


@router.get(_R + "/deposits")
async def ledger(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, deposits.ledger, _token(request), rid))


@router.get(_R + "/audit")
async def audit_log(request: Request, rid: str) -> JSONResponse:
    return JSONResponse(await _call(request, rounds.audit_log, _token(request), rid))


@lab_router.post("/v1/lab/rounds/{rid}/draws")
async def lab_draws(request: Request, rid: str) -> JSONResponse:
    raw = await request.body()
    return JSONResponse(await _call(request, lab.lab_draws, _token(request), rid, raw))


@lab_router.post("/v1/lab/rounds/{rid}/random")
async def lab_random(request: Request, rid: str) -> Response:
    raw = await request.body()
    data = await _call(request, lab.lab_random, _token(request), rid, raw)
    return Response(data, media_type="application/octet-stream")


@lab_router.post("/v1/lab/server-seeds")
async def lab_server_seeds(request: Request) -> Response:
    raw = await request.body()
    data = await _call(request, lab.lab_server_seeds, _token(request), raw)
    return Response(data, media_type="application/octet-stream")


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def install_error_handlers(app: FastAPI) -> None:
    """Every error the framework or the database raises leaves in the contract's shape."""

    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)  # noqa: S101 (registered for ApiError only)
        return JSONResponse(exc.body(), status_code=exc.status)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        error = _HTTP_CODES.get(code, "invalid_request" if code < 500 else "internal_error")
        messages = {404: "no such resource", 405: "method not allowed on this resource"}
        body = {"error": error, "message": messages.get(code, "the request was not accepted")}
        headers = getattr(exc, "headers", None)  # e.g. Allow on 405
        return JSONResponse(body, status_code=code, headers=headers)

    async def validation_error(_: Request, __: Exception) -> JSONResponse:
        body = {"error": "invalid_request", "message": "the request does not fit the contract"}
        return JSONResponse(body, status_code=422)

    async def database_busy(request: Request, exc: Exception) -> JSONResponse:
        _log.warning("database unavailable in %s %s: %s", request.method, request.url.path, exc)
        body = {"error": "unavailable", "message": "the system is busy; retry shortly"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(OperationalError, database_busy)
