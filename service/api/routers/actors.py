"""Reads on actors: search, profile, neighbourhood, suggestions."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from graph.model import NodeKind
from graph.walks import ActorFilter
from service import actors, analysis, views
from service.api.deps import (
    ERRORS,
    MAX_DEPTH,
    Ctx,
    Limit,
    Offset,
    answer,
    authorised,
    context,
)
from service.schemas import GraphView, NodeRef, Page, Profile

router = APIRouter(prefix="/api/actors", tags=["acteurs"],
                   responses=ERRORS)


@router.get("", response_model=Page[NodeRef], summary="Chercher des acteurs")
def list_actors(
    ctx: Ctx, limit: Limit = 50, offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=200, description="nom, sans souci d'accents ni "
                                   "de majuscules", examples=["poitiers"])] = None,
    kind: Annotated[NodeKind | None, Query(description="type d'acteur")] = None,
    departement: Annotated[str | None, Query(max_length=20, examples=["86"])] = None,
    epci: Annotated[str | None, Query(max_length=30, examples=["200069854"])] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2, examples=["SN"])] = None,
    theme: Annotated[str | None, Query(max_length=80, examples=["eau-assainissement"])] = None,
) -> Page[NodeRef]:
    """Collectivités et organisations, celles qui agissent à l'international d'abord."""
    spec = ActorFilter(q, kind.value if kind else None, departement, epci, country, theme)
    items, total = actors.search(ctx, spec, limit, offset)
    return Page[NodeRef](items=items, total=total, limit=limit, offset=offset)


@router.get("/{key}", response_model=Profile, summary="Fiche d'un acteur")
async def get_actor(key: str, request: Request,
                    personnel: Annotated[bool, Query(
                        description="inclure les données personnelles (jeton exigé)")] = False,
                    ) -> Response:
    """L'acteur et ses relations groupées par type, chacune avec sa période et sa source.
    Ses données personnelles (coordonnées, propriétés d'une personne hors fonction) n'y
    figurent que pour un appel authentifié qui les demande."""
    # the context read here, not as a dependency: FastAPI's solving of one costs 17 µs
    # of this hottest read's 200 (bench/api_latency.md)
    ctx = await context(request)
    if personnel:
        authorised(request)
    return await answer(ctx, "profile", (key, personnel),
                        lambda: actors.profile_data(ctx, key, personnel),
                        lambda seen: ctx.small_read(key, seen))


@router.get("/{key}/neighbours", response_model=GraphView, summary="Voisinage d'un acteur")
def neighbours(key: str, ctx: Ctx,
               depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1) -> GraphView:
    return views.around(ctx, key, depth)


@router.get("/{key}/suggestions", tags=["analyses"], summary="Partenaires suggérés")
async def suggestions(key: str, ctx: Ctx,
                      k: Annotated[int, Query(ge=1, le=50)] = 10) -> Response:
    """Les acteurs avec qui travailler, avec les raisons et leurs sources."""
    return await answer(ctx, "suggestions", (key, k),
                        lambda: [dataclasses.asdict(s) for s in analysis.suggestions(ctx, key, k)])
