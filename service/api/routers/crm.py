"""The network's own records: persons, exchanges, working groups, funding applications.
Writes need the token; so do reads of personal data (``personnel=true``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from service import applications, audit, crm, observatory
from service.api.deps import ERRORS, WRITE_ERRORS, Ctx, authorised, writer
from service.crm_schemas import (
    ApplicationCreate,
    ApplicationView,
    Followup,
    FromConsortium,
    GroupCreate,
    GroupView,
    InteractionCreate,
    InteractionView,
    IsoDate,
    Membership,
    Outcome,
    PersonCreate,
    StatusChange,
)
from service.schemas import NodeRef

router = APIRouter(prefix="/api", tags=["suivi"], responses=ERRORS)
WRITE = {"dependencies": [Depends(writer)], "responses": WRITE_ERRORS}
Day = Annotated[IsoDate | None, Query(description="AAAA-MM-JJ")]
Personal = Annotated[bool, Query(description="inclure les données personnelles (jeton exigé)")]


@router.post("/persons", status_code=201, response_model=NodeRef, summary="Ajouter un contact",
             **WRITE)  # type: ignore[arg-type]
def add_person(body: PersonCreate, ctx: Ctx) -> NodeRef:
    """Une personne, son organisation, la base légale et la finalité du traitement, la date
    de fin de conservation (3 ans par défaut) et la source."""
    return crm.add_person(ctx, body)


@router.get("/persons/{key}/export", summary="Tout ce que Maillage détient sur une personne",
            **WRITE)  # type: ignore[arg-type]
def export_person(key: str, ctx: Ctx) -> dict[str, Any]:
    """Droit d'accès (RGPD) : la fiche, ses relations, les textes qui la citent, la revue
    et l'historique des écritures qui la concernent."""
    return audit.person_data(ctx, key)


@router.delete("/persons/{key}", summary="Effacer une personne (RGPD)",
               **WRITE)  # type: ignore[arg-type]
def erase_person(key: str, ctx: Ctx) -> dict[str, str]:
    """Droit à l'effacement : sa fiche, ses relations, son nom et ses coordonnées partout
    où un texte les cite, et ses traces dans l'historique (qui garde seulement qu'un
    effacement a eu lieu)."""
    return {"effacement": audit.erase_person(ctx, key).id}


@router.post("/interactions", status_code=201, response_model=InteractionView,
             summary="Noter un échange", **WRITE)  # type: ignore[arg-type]
def record_interaction(body: InteractionCreate, ctx: Ctx) -> InteractionView:
    return crm.record_interaction(ctx, body)


@router.get("/interactions", response_model=list[InteractionView],
            summary="Échanges")
def list_interactions(ctx: Ctx, request: Request, personnel: Personal = False,
                      about: Annotated[str | None, Query(max_length=210, description=(
                          "acteur, personne ou groupe"))] = None,
                      start: Day = None, end: Day = None,
                      ) -> list[InteractionView]:
    """Les échanges, du plus récent au plus ancien ; ceux d'un acteur, d'une personne ou
    d'un groupe ; entre deux dates."""
    if personnel:
        authorised(request)
    return crm.interactions(ctx, about, start, end, personnel)


@router.get("/interactions/a-relancer", response_model=list[InteractionView],
            summary="À relancer")
def follow_ups(ctx: Ctx, day: Day = None) -> list[InteractionView]:
    """Les prochaines étapes échues et pas faites, la plus ancienne d'abord."""
    return crm.follow_ups(ctx, day)


@router.post("/interactions/{key}/fait", response_model=InteractionView,
             summary="Marquer l'étape faite", **WRITE)  # type: ignore[arg-type]
def close_step(key: str, ctx: Ctx) -> InteractionView:
    return crm.close_step(ctx, key)


@router.post("/groups", status_code=201, response_model=GroupView,
             summary="Créer un groupe de travail", **WRITE)  # type: ignore[arg-type]
def create_group(body: GroupCreate, ctx: Ctx) -> GroupView:
    return crm.create_group(ctx, body)


@router.get("/groups", response_model=list[GroupView],
            summary="Groupes de travail")
def list_groups(ctx: Ctx) -> list[GroupView]:
    return crm.groups(ctx)


@router.get("/groups/{key}", response_model=GroupView,
            summary="Un groupe de travail")
def get_group(key: str, ctx: Ctx) -> GroupView:
    return crm.group(ctx, key)


@router.post("/groups/{key}/members", response_model=GroupView,
             summary="Ajouter un membre", **WRITE)  # type: ignore[arg-type]
def join_group(key: str, body: Membership, ctx: Ctx) -> GroupView:
    return crm.join_group(ctx, key, body)


@router.post("/groups/{key}/outcomes", response_model=GroupView,
             summary="Noter un résultat du groupe", **WRITE)  # type: ignore[arg-type]
def add_outcome(key: str, body: Outcome, ctx: Ctx) -> GroupView:
    return crm.add_outcome(ctx, key, body)


@router.post("/applications", status_code=201, response_model=ApplicationView,
             summary="Ouvrir une demande de financement", **WRITE)  # type: ignore[arg-type]
def open_application(body: ApplicationCreate, ctx: Ctx) -> ApplicationView:
    return applications.open_application(ctx, body)


@router.post("/applications/depuis-consortium", status_code=201,
             response_model=ApplicationView, summary="Demande depuis un consortium proposé",
             **WRITE)  # type: ignore[arg-type]
def from_consortium(body: FromConsortium, ctx: Ctx) -> ApplicationView:
    return applications.application_from_consortium(ctx, body)


@router.post("/applications/{key}/statut", response_model=ApplicationView,
             summary="Changer le statut d'une demande", **WRITE)  # type: ignore[arg-type]
def set_status(key: str, body: StatusChange, ctx: Ctx) -> ApplicationView:
    return applications.set_status(ctx, key, body)


@router.get("/applications/{key}", response_model=ApplicationView,
            summary="Une demande de financement")
def get_application(key: str, ctx: Ctx) -> ApplicationView:
    return applications.application(ctx, key)


@router.get("/pipeline", response_model=dict[str, list[ApplicationView]],
            summary="Demandes de financement par statut")
def pipeline(ctx: Ctx) -> dict[str, list[ApplicationView]]:
    return applications.pipeline(ctx)


@router.get("/actors/{key}/suivi", response_model=Followup,
            summary="Suivi d'un acteur")
def followup(key: str, ctx: Ctx, request: Request, personnel: Personal = False) -> Followup:
    """Échanges, groupes de travail, demandes de financement (et contacts, avec le jeton)."""
    if personnel:
        authorised(request)
    return crm.followup(ctx, key, personnel)


@router.get("/observatory", response_model=observatory.Observatory,
            tags=["observatoire"], summary="Observatoire : l'action année par année")
def get_observatory(ctx: Ctx, year: Annotated[int | None, Query(ge=1900, le=2100)] = None
                    ) -> observatory.Observatory:
    """Relations datées, collectivités et pays engagés par année (d'après les sources),
    changements de l'année, échanges et demandes de financement notés par le réseau."""
    return observatory.observatory(ctx, year)


@router.get("/observatory.svg", tags=["observatoire"],
            summary="Frise de l'observatoire (SVG)", response_class=Response)
def observatory_chart(ctx: Ctx, year: Annotated[int | None, Query(ge=1900, le=2100)] = None
                      ) -> Response:
    return Response(observatory.chart(observatory.observatory(ctx, year)),
                    media_type="image/svg+xml")
