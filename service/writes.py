"""Use cases that change the graph by hand: create, update and delete nodes and
relations. Imports and review live in :mod:`service.imports`."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import ValidationError

from graph.attestations import merge_node
from graph.model import Node, NodeKind, Provenance, Relationship, relationship_key
from graph.store import DuplicateKeyError, retrying
from service.context import Conflict, Context, NotFound, Refused
from service.schemas import NodeCreate, NodePublic, NodeUpdate, RelationCreate


def _refused(exc: ValidationError) -> Refused:
    reasons = "; ".join(str(e.get("msg", "")) for e in exc.errors())
    return Refused(f"enregistrement refusé : {reasons}")


def create_node(ctx: Context, body: NodeCreate, allowed: Collection[NodeKind]) -> NodePublic:
    """A new node of one of the ``allowed`` kinds; :class:`Conflict` if its key exists."""
    if body.kind not in allowed:
        raise Refused(f"type {body.kind.value} non accepté ici (attendu : "
                      + ", ".join(sorted(k.value for k in allowed)) + ")")
    try:
        node = Node(key=f"{body.kind.value}:{body.ident}", name=body.name, props=body.props,
                    provenance=Provenance(source=body.source, licence=body.licence))
    except ValidationError as exc:
        raise _refused(exc) from None
    try:
        retrying(lambda: ctx.store.create_node(node))
    except DuplicateKeyError:
        raise Conflict(f"le nœud {node.key} existe déjà") from None
    return NodePublic.of(node)


def update_node(ctx: Context, key: str, body: NodeUpdate, kind: NodeKind | None = None) -> NodePublic:
    """Change a node as a JSON merge patch (RFC 7396): the properties given are set, those
    given as ``null`` are removed, the others stay; each remembers the source that set it
    (``source``, or « API »). The node keeps its first provenance."""
    if kind is not None and not key.startswith(f"{kind.value}:"):
        raise NotFound(f"nœud inconnu : {key}")
    old = ctx.need(key)
    patch = body.props or {}
    try:
        new = Node(key=key, name=body.name or old.name,
                   props={k: v for k, v in patch.items() if v is not None},
                   provenance=Provenance(source=body.source or "API (modification)",
                                         licence=body.licence or old.provenance.licence))
    except ValidationError as exc:
        raise _refused(exc) from None
    removed = frozenset(k for k, v in patch.items() if v is None and k in old.props)
    retrying(lambda: ctx.store.upsert_nodes([merge_node(old, new, removed)]))
    return NodePublic.of(ctx.need(key))


def delete_node(ctx: Context, key: str, kind: NodeKind | None = None) -> dict[str, str]:
    if (kind is not None and not key.startswith(f"{kind.value}:")) or \
            not retrying(lambda: ctx.store.delete_node(key)):
        raise NotFound(f"nœud inconnu : {key}")
    return {"deleted": key}


def create_relation(ctx: Context, body: RelationCreate) -> dict[str, object]:
    """A relation between two existing nodes (an upsert: the same fact twice is one)."""
    for key in (body.start, body.end):
        ctx.need(key)
    try:
        rel = Relationship(
            key=relationship_key(body.start, body.type, body.end, body.discriminator),
            type=body.type, start=body.start, end=body.end, props=body.props,
            provenance=Provenance(source=body.source, licence=body.licence))
    except ValidationError as exc:
        raise _refused(exc) from None
    summary = retrying(lambda: ctx.store.upsert_relationships([rel]))
    return {"key": rel.key, "created": summary.created, "updated": summary.updated}


def delete_relation(ctx: Context, key: str) -> dict[str, str]:
    if not retrying(lambda: ctx.store.delete_relationship(key)):
        raise NotFound(f"relation inconnue : {key}")
    return {"deleted": key}
