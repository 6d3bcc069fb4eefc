"""The HTTP API and the explorer page: thin routers over the use cases of :mod:`service`.

To add a route: put it in the router of its resource (``service/api/routers/``), calling
a use case; a new resource gets its own router, listed in :data:`ROUTERS`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api import errors
from service.api.guard import HostGuard, TokenGuard
from service.api.routers import (
    actors,
    analysis,
    crm,
    explorer,
    history,
    imports,
    places,
    reports,
    writes,
)
from service.context import Context, request_scope
from service.schemas import Problem
from service.settings import Settings, get_settings

STATIC = Path(__file__).resolve().parents[2] / "viz" / "static"
ROUTERS = (actors.router, places.router, analysis.router, explorer.router, reports.router,
           writes.router, imports.router, crm.router, history.router)
# Everything the page loads comes from this server; no inline script can run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.context = Context.open(settings, who=settings.api_writer)
        _prepare_routes(app)
        # imports run in their own process (started at the first one, then kept)
        app.state.importer = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            yield
        finally:
            app.state.importer.shutdown(cancel_futures=True)
            app.state.context.close()

    on = settings.telemetry
    app = FastAPI(title="Maillage", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None, telemetry={"tracing": on, "metrics": on, "logs": on},
                  description="Graphe des partenariats de coopération décentralisée, centré "
                              "sur une région (MAILLAGE_REGION) : acteurs, relations sourcées, "
                              "consortiums "
                              "possibles et manques du réseau. Les écritures demandent un "
                              "jeton (en-tête `Authorization: Bearer …`).")
    app.state.settings = settings
    errors.install(app)

    _service_routes(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(Compression, minimum_size=4096)
    app.add_middleware(TokenGuard, settings=settings)
    app.add_middleware(OneProjection)
    app.add_middleware(HostGuard, hosts=settings.trusted_hosts.split(","))

    app.add_middleware(NoSniffing)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    _pages(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _prepare_routes(app: FastAPI) -> None:
    """Have FastAPI prepare every route now, before the server says it is ready: it does
    so at the first request that reaches a router, which then waited 0.12 s longer."""
    nowhere = {"type": "http", "method": "GET", "path": "/", "root_path": "",
               "query_string": b"", "headers": []}
    for route in app.router.routes:
        route.matches(dict(nowhere))


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The schema as the API answers: every error is ``application/problem+json`` with
    the :class:`Problem` body (FastAPI would say JSON and its own validation error)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
        for item in schema["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if status[0] in "45":
                        response["content"] = {errors.PROBLEM: problem}
        for unused in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(unused, None)
        app.openapi_schema = schema
    return app.openapi_schema


class _HttpMiddleware:
    """A plain ASGI middleware for HTTP requests (anything else passes through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class NoSniffing(_HttpMiddleware):
    """``X-Content-Type-Options: nosniff`` on every answer, as plain ASGI (Starlette's
    ``BaseHTTPMiddleware`` streams every body through a task and a queue: a third of the
    throughput of a cached read)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, sending)


class Compression(GZipMiddleware):
    """Starlette's gzip for the clients that accept it; the others are answered as is,
    with the ``Vary`` its identity path adds (that path parsed every answer's headers
    again: 15 % of a cached read)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(
                k == b"accept-encoding" and b"gzip" in v for k, v in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"vary", b"Accept-Encoding"))
            await send(message)

        await self.app(scope, receive, varying)


class OneProjection(_HttpMiddleware):
    """Each request reads one projection of the graph, whatever writes land meanwhile."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        with request_scope():
            await self.app(scope, receive, send)


def _service_routes(app: FastAPI) -> None:
    """Health and readiness, for monitors and compose."""
    @app.get("/health", tags=["service"], summary="Le service répond")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["service"], summary="La base répond",
             responses={503: {"model": Problem}})
    def ready(request: Request) -> Any:
        try:
            request.app.state.context.store.generation()
        except Exception as exc:  # any driver error means not ready
            return errors.unavailable(str(exc))
        return {"status": "ok"}


def _pages(app: FastAPI) -> None:
    """The explorer page and the API documentation, served from this server."""
    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        # the documentation's assets are served from here: it works offline
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Maillage — documentation de l'API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> Response:
        return RedirectResponse("/docs")

    @app.get("/", include_in_schema=False)
    def explorer_page() -> Response:
        page = (STATIC / "index.html").read_bytes()
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": CSP})
