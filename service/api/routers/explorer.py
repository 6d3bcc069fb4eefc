"""What the explorer page draws: views, their exports, the selectors, the maps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service import actors, views
from service.api.deps import ERRORS, Ctx, View, answer, attachment
from service.schemas import GraphView

router = APIRouter(prefix="/api", tags=["explorateur"],
                   responses=ERRORS)


@router.get("/graph", response_model=GraphView, tags=["graphe"], summary="Sous-graphe")
def graph_view(ctx: Ctx, params: View) -> GraphView:
    """Un nœud et son voisinage (``focus``, ``depth``), ou les acteurs d'un filtre et ce qui
    les relie, avec des positions calculées sur le serveur."""
    return views.view(ctx, params.spec())


@router.get("/vis", summary="Vue dessinée (vis-network)")
async def vis(ctx: Ctx, params: View) -> Response:
    """La vue de ``/api/graph``, positions calculées, mise en forme par pyvis pour
    vis-network, avec la légende."""
    return await answer(ctx, "vis", params.args(), lambda: views.drawing(ctx, params.spec()))


@router.get("/graph.graphml", summary="Vue exportée en GraphML", response_class=Response)
def graph_graphml(ctx: Ctx, params: View) -> Response:
    return Response(views.graphml(ctx, params.spec()), media_type="application/graphml+xml",
                    headers=attachment("maillage.graphml"))


@router.get("/search", summary="Chercher par le nom")
def search(ctx: Ctx, q: Annotated[str, Query(min_length=1, max_length=200,
                                             examples=["moundou"])],
           limit: Annotated[int, Query(ge=1, le=50)] = 8) -> list[dict[str, str]]:
    """Collectivités, organisations, collectivités étrangères, pays et programmes dont le
    nom (ou un autre nom connu) contient le texte, sans souci d'accents ni de majuscules :
    les noms exacts d'abord."""
    return actors.find(ctx, q, limit)


@router.get("/vocabulary", summary="Listes pour les sélecteurs")
async def vocabulary(ctx: Ctx) -> Response:
    """Thèmes, départements, programmes, ODD, pays où agissent des acteurs, types de
    relation, et les libellés français des types de nœuds et de relations."""
    return await answer(ctx, "vocabulary", (), lambda: views.vocabulary(ctx))


@router.get("/maps/na", summary="Carte de la région")
async def map_na(ctx: Ctx, layer: Annotated[str, Query(
        pattern="^(departements|epci|communes)$")] = "departements") -> Response:
    """Départements, EPCI ou communes en SVG, avec l'engagement international et le bassin."""
    return await answer(ctx, "map-na", (layer,), lambda: views.region_map(ctx, layer))


@router.get("/maps/world", summary="Carte du monde des partenaires")
async def map_world(ctx: Ctx) -> Response:
    return await answer(ctx, "map-world", (), lambda: views.world_map(ctx))
