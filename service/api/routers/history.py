"""The audit trail (token required: it keeps records as they were, personal data included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from graph.audit import AuditEntry
from service import audit
from service.api.deps import WRITE_ERRORS, Ctx, writer

router = APIRouter(prefix="/api/history", tags=["historique"], dependencies=[Depends(writer)],
                   responses=WRITE_ERRORS)


@router.get("", response_model=list[AuditEntry], summary="Historique des écritures")
def history(ctx: Ctx, key: Annotated[str | None, Query(max_length=210)] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[AuditEntry]:
    """Les dernières écritures (qui, quand, quoi), celles qui touchent ``key`` si donné."""
    return audit.history(ctx, key, limit)


@router.get("/{ref}", response_model=AuditEntry, summary="Une écriture, avant et après")
def entry(ref: str, ctx: Ctx) -> AuditEntry:
    return audit.entry(ctx, ref)


@router.post("/{ref}/annuler", response_model=AuditEntry, summary="Annuler une écriture")
def undo(ref: str, ctx: Ctx) -> AuditEntry:
    """Remet exactement ce que l'écriture a changé ; refusé (409) si une écriture plus
    récente a modifié les mêmes enregistrements. L'annulation s'annule à son tour."""
    return audit.undo(ctx, ref)
