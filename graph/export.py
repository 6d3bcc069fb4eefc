"""Whole-graph export as JSON or GraphML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph.model import Node, Relationship


def to_json(nodes: list[Node], rels: list[Relationship]) -> dict[str, Any]:
    """A self-describing JSON document of the graph, provenance included."""
    return {
        "format": "maillage-graph/1",
        "nodes": [{"key": n.key, "kind": n.kind.value, "name": n.name, "props": n.props,
                   **n.provenance.model_dump()} for n in nodes],
        "relationships": [{"key": r.key, "type": r.type.value, "start": r.start, "end": r.end,
                           "props": r.props, **r.provenance.model_dump()} for r in rels],
    }


def graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy GraphML can hold: list values become JSON text (GraphML has no lists)."""
    out = nx.MultiDiGraph()

    def flat(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                for k, v in attrs.items()}

    out.add_nodes_from((n, flat(a)) for n, a in graph.nodes(data=True))
    out.add_edges_from((u, v, k, flat(a)) for u, v, k, a in graph.edges(keys=True, data=True))
    return out


def write_graphml(graph: nx.MultiDiGraph, target: Path | IO[bytes]) -> None:
    nx.write_graphml(graphml_ready(graph), target, named_key_ids=True)


def write_json(nodes: list[Node], rels: list[Relationship], target: IO[str]) -> None:
    json.dump(to_json(nodes, rels), target, ensure_ascii=False, indent=1)
