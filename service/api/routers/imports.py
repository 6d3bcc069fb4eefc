"""Imports and the review list over HTTP (token required)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from graph.model import ReviewItem
from service import imports
from service.api.deps import WRITE_ERRORS, Ctx, writer
from service.schemas import ImportResult, ReviewSettle

MAX_UPLOAD = 10 * 1024 * 1024

router = APIRouter(prefix="/api", tags=["écriture"], dependencies=[Depends(writer)],
                   responses=WRITE_ERRORS)


@router.post("/import", response_model=ImportResult, summary="Importer un tableur")
async def import_upload(ctx: Ctx, request: Request, file: Annotated[UploadFile, File()],
                        dry_run: Annotated[bool, Form()] = True,
                        partial: Annotated[bool, Form()] = False) -> Response:
    """Fichier CSV ou XLSX ; ``dry_run`` (par défaut) ne fait que simuler."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"fichier trop gros (plus de {MAX_UPLOAD // 1024 // 1024} Mo)")
    name = Path(file.filename or "").name
    if name in ("", ".", "..") or not Path(name).suffix:
        name = "envoi.csv"  # the name only labels messages: never a path
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        # in the worker process: reads and /health keep answering meanwhile
        answer = await asyncio.get_running_loop().run_in_executor(
            request.app.state.importer, imports.import_in_worker, ctx.settings, path, name,
            dry_run, partial)
    return Response(imports.worker_result(answer), media_type="application/json")


@router.get("/review", response_model=list[ReviewItem], summary="Lignes à vérifier")
def review(ctx: Ctx, status: Annotated[str | None, Query(
        pattern="^(open|settled|dismissed)$")] = "open") -> list[ReviewItem]:
    return imports.review_items(ctx, status)


@router.post("/review/{key}/settle", summary="Arbitrer une ligne")
def settle(key: str, body: ReviewSettle, ctx: Ctx) -> dict[str, Any]:
    written = imports.settle(ctx, key, body.key)
    return {"key": key, "resolution": body.key, "relations": written}
