"""Every error as ``application/problem+json`` (RFC 9457), in French. Refusals of the
domain are 4xx; anything else is a 500 that is logged, never disguised as a client error."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from graph.store import StoreBusy, StoreError, StoreUnavailable
from graph.validation import french_reason as french
from ingest.errors import IngestError
from service.context import Conflict, NotFound, Refused
from service.schemas import Problem

PROBLEM = "application/problem+json"
TITLES = {400: "Requête illisible", 401: "Non autorisé", 404: "Introuvable",
          405: "Méthode non permise", 409: "Conflit", 413: "Trop gros",
          422: "Paramètres invalides", 503: "Base indisponible"}
log = logging.getLogger("maillage.api")


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None
            ) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(404, "Introuvable", str(exc))


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    return problem(422, "Requête refusée", str(exc))


def unavailable(detail: str, busy: bool = False) -> JSONResponse:
    """503: the database is stopped (or busy), the client may retry later."""
    response = problem(503, "Base occupée" if busy else "Base indisponible", detail)
    response.headers["Retry-After"] = "1" if busy else "10"
    return response


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    return unavailable(str(exc), isinstance(exc, StoreBusy))


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    return problem(409, "Conflit", str(exc))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "erreur"
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"adresse inconnue : {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 400:
        detail = "corps de requête illisible (JSON ou formulaire mal formé)"
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed(request))
        detail = f"méthode non permise pour cette adresse (permises : {headers['Allow']})"
    response = problem(exc.status_code, TITLES.get(exc.status_code, "Erreur"), detail)
    response.headers.update(headers)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _allowed(request: Request) -> list[str]:
    """Every method some route offers at this path (Starlette names only the first
    route's, and one path may have several routes)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)  # PARTIAL: the path, not the method
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"lieu": ".".join(str(p) for p in e.get("loc", ())), "raison": french(e)}
              for e in exc.errors()]
    detail = "; ".join(f"{e['lieu']} : {e['raison']}" for e in errors)
    return problem(422, "Paramètres invalides", detail, errors)


async def _ingest(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IngestError)
    return problem(422, "Import refusé, rien n'a été écrit", str(exc),
                   [e.model_dump() for e in exc.errors])


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("erreur inattendue sur %s %s", request.method, request.url.path,
                  exc_info=exc)
    return problem(500, "Erreur interne", "erreur inattendue du service ; elle a été "
                   "consignée dans le journal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(StoreError, _refused)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.add_exception_handler(StoreBusy, _unavailable)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(IngestError, _ingest)
    app.add_exception_handler(Exception, _unexpected)
