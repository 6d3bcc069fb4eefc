"""The analysis: opportunities (suggestions or consortia), gaps, paths."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service import analysis
from service.api.deps import ERRORS, Ctx, answer
from service.schemas import NodeRef

router = APIRouter(prefix="/api", tags=["analyses"],
                   responses=ERRORS)
Keys = Annotated[list[str] | None, Query(max_length=10)]
Scope = Literal["region", "france"]


@router.get("/opportunities", summary="Consortiums ou partenaires")
async def opportunities(ctx: Ctx, actor: Annotated[str | None, Query(max_length=210)] = None,
                        country: Keys = None, territory: Keys = None, theme: Keys = None,
                        programme: Keys = None,
                        top: Annotated[int, Query(ge=1, le=20)] = 5,
                        scope: Annotated[Scope, Query(
                            description="consortiums : la région (region) ou toute la France "
                                        "(france)")] = "region") -> Response:
    """Comme ``maillage opportunities`` : partenaires d'un acteur, ou consortiums pour un
    pays (code ISO ou clé), une collectivité étrangère, un thème ou ODD, un programme ;
    sans paramètre, pour le pays où agissent le plus d'acteurs du réseau."""
    query = analysis.FocusQuery(tuple(country or ()), tuple(territory or ()),
                                tuple(theme or ()), tuple(programme or ()))

    def compute() -> list[dict[str, Any]]:
        if actor:
            return [dataclasses.asdict(s) for s in analysis.suggestions(ctx, actor, top)]
        found = analysis.consortia(ctx, analysis.focus(ctx, query), top, scope)
        return [dataclasses.asdict(c) for c in found]

    return await answer(ctx, "opportunities", (actor, query, top, scope), compute)


@router.get("/gaps", summary="Manques du réseau")
async def gaps(ctx: Ctx) -> Response:
    return await answer(ctx, "gaps", (), lambda: [g.as_dict() for g in analysis.gaps(ctx)])


@router.get("/gaps/{rule}", summary="Une règle de manques")
async def gap(rule: str, ctx: Ctx) -> Response:
    return await answer(ctx, "gap", (rule,), lambda: analysis.gaps(ctx, rule)[0].as_dict())


@router.get("/path", response_model=list[NodeRef], summary="Comment joindre un acteur")
def path(ctx: Ctx, source: Annotated[str, Query(alias="from", max_length=210)],
         target: Annotated[str, Query(alias="to", max_length=210)]) -> list[NodeRef]:
    return analysis.path(ctx, source, target)
