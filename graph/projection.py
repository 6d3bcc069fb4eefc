"""The networkx projection the analysis reads, cached by store generation."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

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
        if r.start not in graph or r.end not in graph:
            continue  # read after a node it ends on: the next projection will have both
        graph.add_edge(r.start, r.end, key=r.key, type=r.type.value,
                       source=r.provenance.source, licence=r.provenance.licence, **r.props)
    return graph


class ProjectionCache:
    """Holds the last projection of a store; rebuilt when the store's generation moves.

    Every write bumps the generation (in the database itself, so writes from another
    process invalidate this cache too). Readers do not queue behind a rebuild: while one
    thread rebuilds, the others keep reading the last projection (at most one rebuild
    behind); only the very first build is waited for.
    """

    def __init__(self, derive: Callable[[nx.MultiDiGraph], object] | None = None) -> None:
        self._lock = threading.Lock()
        # what is computed from each projection before it is published (the evidence
        # index): readers of a new projection never wait for it
        self._derive = derive
        self._derived: object = None
        # one attribute, swapped whole: a reader never sees a graph with another's label
        self._current: tuple[int, nx.MultiDiGraph, object] | None = None

    def generation_of(self, graph: nx.MultiDiGraph) -> int | None:
        """The store generation ``graph`` shows, if it is the current projection."""
        current = self._current
        return current[0] if current is not None and current[1] is graph else None

    @property
    def current_generation(self) -> int | None:
        current = self._current
        return current[0] if current is not None else None

    @property
    def rebuilding(self) -> bool:
        return self._lock.locked()

    def get(self, store: GraphStore) -> nx.MultiDiGraph:
        return self.snapshot(store)[0]

    def snapshot(self, store: GraphStore) -> tuple[nx.MultiDiGraph, object]:
        """The current projection and what was derived from it, rebuilt if stale."""
        current = self._current
        if current is not None and current[0] == store.generation():
            return current[1], current[2]
        if current is not None and not self._lock.acquire(blocking=False):
            # a rebuild is under way: the last projection serves meanwhile
            return current[1], current[2]
        if current is None:
            self._lock.acquire()
        try:
            # read before the export: the projection shows at least this generation
            generation = store.generation()
            if self._current is None or self._current[0] != generation:
                nodes, rels = store.export()
                graph = to_networkx(nodes, rels)
                derived = self._derive(graph) if self._derive else None
                self._current = (generation, graph, derived)
            return self._current[1], self._current[2]
        finally:
            self._lock.release()
