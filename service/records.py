"""What the network's own records share: their provenance, the checks of the keys a form
names, one audited write per use case, and the look-ups by kind."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from graph.model import (
    Node,
    NodeKind,
    Provenance,
    Relationship,
    RelType,
    kind_of,
    public_name,
)
from service.context import Conflict, Context, NotFound
from service.schemas import NodeRef

LICENCE = "données du réseau, usage interne"


def prov(ctx: Context, source: str | None = None) -> Provenance:
    return Provenance(source=source or f"saisie ({ctx.store.who})", licence=LICENCE)


def checked(ctx: Context, keys: Iterable[str], kinds: Collection[NodeKind], what: str
             ) -> list[str]:
    """The keys, each an existing node (:class:`NotFound`) of one of ``kinds``
    (:class:`Conflict`)."""
    keys = list(dict.fromkeys(keys))
    for key in keys:
        try:
            kind_of(key)
        except ValueError as exc:
            raise NotFound(str(exc)) from None
    found = ctx.store.get_nodes(keys)
    for key in keys:
        if key not in found:
            raise NotFound(f"{what} inconnu(e) : {key}")
        if found[key].kind not in kinds:
            raise Conflict(f"{what} : {key} n'est pas du bon type (attendu : "
                           + ", ".join(sorted(k.value for k in kinds)) + ")")
    return keys


def write(ctx: Context, label: str, nodes: list[Node], rels: list[Relationship]) -> None:
    with ctx.store.audited("crm", label=label):
        ctx.store.upsert_nodes(nodes)
        ctx.store.upsert_relationships(rels)


def rel(ctx: Context, type_: RelType, start: str, end: str, **props: object) -> Relationship:
    return Relationship(type=type_, start=start, end=end, provenance=prov(ctx),
                        props={k: v for k, v in props.items() if v is not None})  # type: ignore[misc]


def ref(node: Node, personal: bool = False) -> NodeRef:
    name = node.name if personal else public_name(node.kind, node.name, node.props)
    return NodeRef(key=node.key, kind=node.kind.value, name=name)


def record_of(ctx: Context, key: str, kind: NodeKind, what: str) -> Node:
    """The node ``key`` if it is of ``kind``; :class:`NotFound` (« échange inconnu : … »)."""
    try:
        kind_of(key)
    except ValueError:  # not a key at all
        raise NotFound(f"{what} : {key}") from None
    node = ctx.store.get_node(key)  # read even for another kind: a stopped base says so
    if node is None or node.kind is not kind:
        raise NotFound(f"{what} : {key}")
    return node


def all_of(ctx: Context, kind: NodeKind) -> list[Node]:
    found: list[Node] = []
    while batch := ctx.store.find_nodes(kind=kind, limit=1000, offset=len(found)):
        found.extend(batch)
    return found


def strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
