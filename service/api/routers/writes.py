"""Writes by hand (token required): actors, projects, relations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from graph.model import RECORDED_ACTOR_KINDS, NodeKind
from service import writes
from service.api.deps import WRITE_ERRORS, Ctx, writer
from service.schemas import ActorCreate, NodePublic, NodeUpdate, ProjectCreate, RelationCreate

router = APIRouter(prefix="/api", tags=["écriture"], dependencies=[Depends(writer)],
                   responses=WRITE_ERRORS)


@router.post("/actors", response_model=NodePublic, status_code=201, summary="Créer un acteur")
def create_actor(body: ActorCreate, ctx: Ctx) -> NodePublic:
    return writes.create_node(ctx, body, RECORDED_ACTOR_KINDS)


@router.patch("/actors/{key}", response_model=NodePublic, summary="Modifier un acteur")
def update_actor(key: str, body: NodeUpdate, ctx: Ctx) -> NodePublic:
    return writes.update_node(ctx, key, body)


@router.delete("/actors/{key}", summary="Supprimer un acteur")
def delete_actor(key: str, ctx: Ctx) -> dict[str, str]:
    return writes.delete_node(ctx, key)


@router.post("/projects", response_model=NodePublic, status_code=201, summary="Créer un projet")
def create_project(body: ProjectCreate, ctx: Ctx) -> NodePublic:
    return writes.create_node(ctx, body, {NodeKind.PROJECT})


@router.patch("/projects/{key}", response_model=NodePublic, summary="Modifier un projet")
def update_project(key: str, body: NodeUpdate, ctx: Ctx) -> NodePublic:
    return writes.update_node(ctx, key, body, NodeKind.PROJECT)


@router.delete("/projects/{key}", summary="Supprimer un projet")
def delete_project(key: str, ctx: Ctx) -> dict[str, str]:
    return writes.delete_node(ctx, key, NodeKind.PROJECT)


@router.post("/relations", status_code=201, summary="Créer une relation")
def create_relation(body: RelationCreate, ctx: Ctx) -> dict[str, Any]:
    return writes.create_relation(ctx, body)


@router.delete("/relations/{key}", summary="Supprimer une relation")
def delete_relation(key: str, ctx: Ctx) -> dict[str, str]:
    return writes.delete_relation(ctx, key)
