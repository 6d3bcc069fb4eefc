"""Prospection reports over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from service import reports
from service.api.deps import ERRORS, Ctx, attachment, authorised
from viz.report import MEDIA_TYPES, render

router = APIRouter(prefix="/api", tags=["rapports"],
                   responses=ERRORS)


@router.get("/reports/{key}", summary="Rapport de prospection", response_class=Response,
            responses={200: {"content": {"text/html": {}, "text/markdown": {},
                                         "application/pdf": {}}}})
async def report(key: str, ctx: Ctx, request: Request,
                 format: Annotated[str, Query(pattern="^(html|md|pdf)$",
                                              description="html, md ou pdf")] = "html",
                 personnel: Annotated[bool, Query(
                     description="inclure les coordonnées personnelles (jeton exigé)")] = False,
                 ) -> Response:
    """Fiche collectivité, prospection territoriale (département, EPCI), pays ou collectivité
    étrangère, thème ou programme, ou ``reseau`` (observatoire). Sans coordonnées
    personnelles, sauf pour un appel authentifié qui les demande."""
    if personnel:
        authorised(request)
    body = await run_in_threadpool(lambda: render(reports.build(ctx, key, personnel), format))
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers=attachment(f"maillage-{key.replace(':', '-')}.{format}", "inline"))
