"""Prospection reports over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from service import reports
from service.api.deps import ERRORS, Ctx, attachment, reader
from viz.report import MEDIA_TYPES, render

router = APIRouter(prefix="/api", tags=["rapports"], dependencies=[Depends(reader)],
                   responses=ERRORS)


@router.get("/reports/{key}", summary="Rapport de prospection", response_class=Response,
            responses={200: {"content": {"text/html": {}, "text/markdown": {},
                                         "application/pdf": {}}}})
async def report(key: str, ctx: Ctx, format: Annotated[
        str, Query(pattern="^(html|md|pdf)$", description="html, md ou pdf")] = "html"
                 ) -> Response:
    """Fiche collectivité, prospection territoriale (département, EPCI), pays ou collectivité
    étrangère, thème ou programme, ou ``reseau`` (observatoire). Sans coordonnées
    personnelles."""
    body = await run_in_threadpool(lambda: render(reports.build(ctx, key), format))
    return Response(body, media_type=MEDIA_TYPES[format],
                    headers=attachment(f"maillage-{key.replace(':', '-')}.{format}", "inline"))
