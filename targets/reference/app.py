"""``create_app(settings)``: one reference system as an ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from targets.reference.api import install_error_handlers, lab_router, router
from targets.reference.config import Settings
from targets.reference.middleware import ContractMiddleware
from targets.reference.service import Service

__all__ = ["create_app"]


def create_app(settings: Settings) -> FastAPI:
    """Open (and if needed create) the database and build the app.

    FastAPI's generated documents are disabled: the system serves the contract's own OpenAPI
    document, so clients see what the contract promises rather than what the code happens to do.
    The lab routes exist only in lab mode, so without it they are indistinguishable from any
    unknown path (404).
    """
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title="ASTI-1 reference allocation system",
        version=settings.version,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        redirect_slashes=False,  # /healthz/ is an unknown path (404), not a redirect
    )
    app.state.service = service
    app.include_router(router)
    if settings.lab:
        app.include_router(lab_router)
    install_error_handlers(app)
    app.add_middleware(
        ContractMiddleware,
        max_body_bytes=settings.max_body_bytes,
        body_timeout=settings.limits.body_timeout,
        body_budget=settings.limits.body_budget,
    )
    return app
