"""Reads on countries, programmes, projects and the graph's counts."""

from __future__ import annotations

from fastapi import APIRouter

from graph.model import NodeKind
from service import actors
from service.api.deps import ERRORS, Ctx, Limit, Offset
from service.schemas import CountryPublic, NodePublic, Page, Stats

router = APIRouter(prefix="/api", responses=ERRORS)


@router.get("/countries/{iso2}", response_model=CountryPublic, tags=["territoires"],
            summary="Qui agit dans un pays")
def country(iso2: str, ctx: Ctx) -> CountryPublic:
    """Les acteurs de la région qui y agissent, sur quoi, depuis quand ; et combien de
    collectivités de chaque région de France y agissent."""
    return actors.country(ctx, iso2)


@router.get("/programmes", response_model=Page[NodePublic], tags=["programmes"],
            summary="Programmes et dispositifs")
def programmes(ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> Page[NodePublic]:
    items, total = actors.of_kind(ctx, NodeKind.PROGRAMME, limit, offset)
    return Page[NodePublic](items=items, total=total, limit=limit, offset=offset)


@router.get("/projects", response_model=Page[NodePublic], tags=["projets"], summary="Projets")
def projects(ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> Page[NodePublic]:
    items, total = actors.of_kind(ctx, NodeKind.PROJECT, limit, offset)
    return Page[NodePublic](items=items, total=total, limit=limit, offset=offset)


@router.get("/stats", response_model=Stats, tags=["graphe"], summary="Comptes")
def stats(ctx: Ctx) -> Stats:
    return actors.stats(ctx)
