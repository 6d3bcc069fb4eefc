"""Bolt records to the model and back: the properties a node or relation is stored with on
the Neo4j store, and the records read back (used by :mod:`graph.neo4j_store` only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.model import Node, Relationship, normalize
from graph.store import batched

NODE_META = ("key", "kind", "name", "name_norm", "source", "licence", "ingested_at")
REL_META = ("key", "source", "licence", "ingested_at")


def own_props(p: dict[str, Any], meta: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in meta}


def node_record(p: dict[str, Any]) -> Node:
    return Node.stored(p["key"], p["name"], own_props(p, NODE_META), p["source"],
                       p["licence"], p["ingested_at"])


def rel_record(type_: str, p: dict[str, Any], start: str, end: str) -> Relationship:
    return Relationship.stored(p["key"], type_, start, end, own_props(p, REL_META),
                               p["source"], p["licence"], p["ingested_at"])


def node_props(n: Node) -> dict[str, Any]:
    """What a node is stored with: its own properties and the model's fields."""
    return {**n.props, "key": n.key, "kind": n.kind.value, "name": n.name,
            "name_norm": normalize(n.name), "source": n.provenance.source,
            "licence": n.provenance.licence, "ingested_at": n.provenance.ingested_at}


#: characters per part of an audit entry: at most 4 bytes each in UTF-8, 4 MB a message
AUDIT_PART_CHARS = 1_000_000


def audit_parts(data: str) -> list[str]:
    """An audit entry's text in parts: one Bolt message is bounded (16 MB on ArcadeDB)."""
    return [data[i:i + AUDIT_PART_CHARS]
            for i in range(0, len(data), AUDIT_PART_CHARS)] or [""]


#: keys per ``IN $keys`` look-up: ArcadeDB took 4.0 s for 15,127 keys in one, 1.2 s in
#: 1,000s; and one Bolt message is bounded
IN_CHUNK = 1000


def in_chunks(groups: dict[str, list[str]]) -> Iterator[tuple[str, list[str]]]:
    """Each label's keys in look-ups of at most :data:`IN_CHUNK`.

    >>> [(label, len(keys)) for label, keys in in_chunks({"Commune": ["k"] * 2500})]
    [('Commune', 1000), ('Commune', 1000), ('Commune', 500)]
    """
    for label, keys in groups.items():
        for batch in batched(keys, IN_CHUNK):
            yield label, batch
