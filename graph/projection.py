"""The networkx projection the analysis reads, cached by store generation."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import networkx as nx

from graph.model import Node, Relationship
from graph.store import GraphStore


def to_networkx(nodes: Iterable[Node], rels: Iterable[Relationship],
                personal: bool = False) -> nx.MultiDiGraph:
    """Build a typed multigraph: node attributes ``kind``, ``name``, properties and
    provenance; one edge per relationship, keyed by its key, with ``type``. Personal
    properties are left out unless ``personal`` (no analysis needs them).

    >>> from graph.model import Provenance
    >>> p = Provenance(source="t", licence="CC0")
    >>> g = to_networkx([Node(key="commune:1", name="A", provenance=p),
    ...                  Node(key="country:SN", name="Sénégal", provenance=p)],
    ...                 [Relationship(type="COOPERATES_WITH", start="commune:1",
    ...                               end="country:SN", provenance=p)])
    >>> g.nodes["country:SN"]["kind"], list(g.edges(keys=True))
    ('country', [('commune:1', 'country:SN', 'COOPERATES_WITH:commune:1>country:SN')])
    """
    graph = nx.MultiDiGraph()
    for n in nodes:
        n = n if personal else n.public()
        graph.add_node(n.key, kind=n.kind.value, name=n.name, source=n.provenance.source,
                       licence=n.provenance.licence, **n.props)
    for r in rels:
        graph.add_edge(r.start, r.end, key=r.key, type=r.type.value,
                       source=r.provenance.source, licence=r.provenance.licence, **r.props)
    return graph


class ProjectionCache:
    """Holds the last projection of a store; rebuilt when the store's generation moves.

    Every write bumps the generation (in the database itself, so writes from another
    process invalidate this cache too).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int] | None = None
        self._graph: nx.MultiDiGraph | None = None

    def get(self, store: GraphStore) -> nx.MultiDiGraph:
        key = (store.url, store.generation())
        with self._lock:
            if self._graph is None or key != self._key:
                nodes, rels = store.export()
                self._graph = to_networkx(nodes, rels)
                self._key = key
            return self._graph
