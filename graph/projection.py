"""The networkx projection the analysis reads, cached by store generation."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.collection import paused
from graph.model import Node, Relationship, personal_properties, public_name
from graph.store import GraphStore, NodeRow, RelRow
from graph.writelog import LOG_WINDOW_MS, LoggedWrite, new_writes

#: Beyond this many keys changed since the last projection, it is rebuilt whole.
MAX_DELTA_KEYS = 500
#: A projection with more nodes than this is frozen out of the garbage collector once
#: built: its hundreds of thousands of dicts are not walked again at every full
#: collection (pauses of 100–400 ms on the national graph, during requests).
FREEZE_ABOVE = 20_000
#: How many of the last refreshes :attr:`ProjectionCache.refreshes` keeps.
KEPT_REFRESHES = 500


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
        graph.add_node(n.key, **_node_data(n, personal))
    for r in rels:
        _add_edge(graph, r)
    return graph


def from_rows(nodes: Iterable[NodeRow], rels: Iterable[RelRow]) -> nx.MultiDiGraph:
    """The projection built straight from stored rows (see :meth:`GraphStore.rows`): the
    same graph as :func:`to_networkx` on the exported records, personal properties left
    out, without building a model per row (the cold start of a national graph).

    >>> from graph.store import NodeRow, RelRow
    >>> g = from_rows([NodeRow("commune:1", "commune", "A", {"courriel": "a@b.fr"}, "s", "l", "t"),
    ...                NodeRow("country:SN", "country", "Sénégal", {}, "s", "l", "")],
    ...               [RelRow("COOPERATES_WITH:commune:1>country:SN", "COOPERATES_WITH",
    ...                       "commune:1", "country:SN", {"years": [2020]}, "s", "l")])
    >>> g.nodes["commune:1"], g.edges["commune:1", "country:SN",
    ...                               "COOPERATES_WITH:commune:1>country:SN"]["years"]
    ({'kind': 'commune', 'name': 'A', 'source': 's', 'licence': 'l', 'ingested_at': 't'}, [2020])
    """
    graph = nx.MultiDiGraph()
    # one string object per distinct kind, type, source and licence: each row read brings
    # its own copy, 150,000 relations would keep them all
    one: dict[str, str] = {}
    common = one.setdefault

    def node_data(row: NodeRow) -> dict[str, object]:
        props, name = row.props, row.name
        personal = personal_properties(row.kind, props)
        if personal:
            name = public_name(row.kind, name, props)
            props = {k: v for k, v in props.items() if k not in personal}
        return {"kind": common(row.kind, row.kind), "name": name,
                "source": common(row.source, row.source),
                "licence": common(row.licence, row.licence),
                "ingested_at": common(row.ingested_at, row.ingested_at), **props}

    graph.add_nodes_from((row.key, node_data(row)) for row in nodes)
    present, succ, pred = graph._node, graph._adj, graph._pred
    # relations with no property of their own (the geography: a commune in its EPCI) share
    # one attribute dict per type and source: attribute dicts are replaced, never changed
    # in place (see _Edit), and there are tens of thousands of them
    bare: dict[tuple[str, str, str], dict[str, object]] = {}
    for r in rels:
        if r.start not in present or r.end not in present:
            continue
        sig = (r.type, r.source, r.licence)
        data = bare.get(sig) if not r.props else None
        if data is None:
            data = {"type": common(r.type, r.type), "source": common(r.source, r.source),
                    "licence": common(r.licence, r.licence), **r.props}
            if not r.props:
                bare[sig] = data
        pair = succ[r.start].get(r.end)
        if pair is None:  # as in networkx: succ[u][v] and pred[v][u] are one dict
            pair = succ[r.start][r.end] = pred[r.end][r.start] = {}
        pair[r.key] = data
    return graph


def _node_data(n: Node, personal: bool) -> dict[str, object]:
    n = n if personal else n.public()
    return {"kind": n.kind.value, "name": n.name, "source": n.provenance.source,
            "licence": n.provenance.licence, "ingested_at": n.provenance.ingested_at, **n.props}


#: What a node's data holds besides its properties.
NODE_FIELDS = ("kind", "name", "source", "licence", "ingested_at")


def node_props(data: dict[str, object]) -> dict[str, object]:
    """The properties of a node, from its data (see :func:`to_networkx`).

    >>> node_props({"kind": "commune", "name": "A", "source": "s", "licence": "l",
    ...             "ingested_at": "", "insee": "86194"})
    {'insee': '86194'}
    """
    return {k: v for k, v in data.items() if k not in NODE_FIELDS}


def _add_edge(graph: nx.MultiDiGraph, r: Relationship) -> None:
    if r.start not in graph or r.end not in graph:
        return  # read after a node it ends on: the next projection will have both
    graph.add_edge(r.start, r.end, key=r.key, **_edge_data(r))


#: What an edge's data holds besides the relation's properties.
EDGE_FIELDS = frozenset({"type", "source", "licence"})


def edge_props(data: dict[str, object]) -> dict[str, object]:
    """The properties of a relation, from its edge's data (see :func:`to_networkx`).

    >>> edge_props({"type": "TWINNED_WITH", "source": "s", "licence": "l", "years": [1990]})
    {'years': [1990]}
    """
    return {k: v for k, v in data.items() if k not in EDGE_FIELDS}


def _edge_data(r: Relationship) -> dict[str, object]:
    return {"type": r.type.value, "source": r.provenance.source,
            "licence": r.provenance.licence, **r.props}


class _Edit:
    """A new graph sharing every part of ``old`` it does not change.

    A copy of the whole graph makes as many objects as the graph holds, and the garbage
    collector then walks them all (100–200 ms pauses on the regional graph, at every
    write). Here the new graph copies the three outer dicts (nodes, successors,
    predecessors) and only the inner dicts it changes; attribute dicts are replaced,
    never changed in place, so ``old`` stays exactly as its readers see it. As in
    networkx, ``succ[u][v]`` and ``pred[v][u]`` are one dict of the pair's edges.
    """

    def __init__(self, old: nx.MultiDiGraph) -> None:
        self.graph = new = nx.MultiDiGraph()
        new.graph.update(old.graph)
        new._node = dict(old._node)
        new._adj = dict(old._adj)  # the successors too (networkx keeps them as one)
        new._pred = dict(old._pred)
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_pairs: set[tuple[str, str]] = set()

    def _succ(self, u: str) -> dict[str, dict[str, dict[str, object]]]:
        if u not in self._own_succ:
            self.graph._adj[u] = dict(self.graph._adj[u])
            self._own_succ.add(u)
        return self.graph._adj[u]  # type: ignore[no-any-return]

    def _pred(self, v: str) -> dict[str, dict[str, dict[str, object]]]:
        if v not in self._own_pred:
            self.graph._pred[v] = dict(self.graph._pred[v])
            self._own_pred.add(v)
        return self.graph._pred[v]  # type: ignore[no-any-return]

    def _pair(self, u: str, v: str) -> dict[str, dict[str, object]]:
        """The dict of the edges from ``u`` to ``v``, this graph's own."""
        succ, pred = self._succ(u), self._pred(v)
        if (u, v) not in self._own_pairs:
            succ[v] = pred[u] = dict(succ.get(v, {}))
            self._own_pairs.add((u, v))
        return succ[v]

    def remove_node(self, key: str) -> None:
        for v in list(self.graph._adj[key]):
            del self._pred(v)[key]
            self._own_pairs.discard((key, v))
        for u in list(self.graph._pred[key]):
            if u != key:
                del self._succ(u)[key]
                self._own_pairs.discard((u, key))
        del self.graph._node[key], self.graph._adj[key], self.graph._pred[key]
        self._own_succ.discard(key)
        self._own_pred.discard(key)

    def add_node(self, key: str, data: dict[str, object]) -> None:
        self.graph._node[key] = data
        if key not in self.graph._adj:
            self.graph._adj[key], self.graph._pred[key] = {}, {}
            self._own_succ.add(key)
            self._own_pred.add(key)

    def add_edge(self, r: Relationship) -> None:
        if r.start in self.graph._node and r.end in self.graph._node:
            self._pair(r.start, r.end)[r.key] = _edge_data(r)

    def remove_edge(self, u: str, v: str, key: str) -> None:
        if not self.graph.has_edge(u, v, key):
            return
        pair = self._pair(u, v)
        del pair[key]
        if not pair:
            del self._succ(u)[v], self._pred(v)[u]
            self._own_pairs.discard((u, v))


def apply_writes(store: GraphStore, graph: nx.MultiDiGraph,
                 writes: Sequence[LoggedWrite]) -> tuple[nx.MultiDiGraph, set[str]]:
    """A new projection: ``graph`` with what ``writes`` touched read again from the store,
    and the nodes whose surroundings changed (ends of changed relations included).

    A touched node is read with all its relations (so a node deleted and made again in
    between comes back without its old relations); a node gone from the store leaves with
    its relations. Reading the current state is idempotent: applying a write twice, or a
    write the projection already shows, changes nothing. ``graph`` is left as it was, and
    shares with the new projection all it did not change.
    """
    node_keys = sorted({k for w in writes for k in w.nodes})
    rel_keys = sorted({k for w in writes for k in w.rels})
    edit = _Edit(graph)
    touched: set[str] = set(node_keys)
    nodes = store.get_nodes(node_keys)
    for key in node_keys:
        if key in graph:
            touched.update(nx.all_neighbors(graph, key))
            edit.remove_node(key)  # with its relations, read again below
        if key in nodes:
            edit.add_node(key, _node_data(nodes[key], personal=False))
    for key in node_keys:
        if key in nodes:
            for link in store.neighbours(key):
                edit.add_edge(link.relationship)
                touched.add(link.node.key)
    rels = store.get_relationships(rel_keys)
    for key in rel_keys:
        ends = _ends(graph, key)
        if ends is not None:
            touched.update(ends)
            edit.remove_edge(*ends, key)
        if key in rels:
            r = rels[key]
            touched.update((r.start, r.end))
            edit.remove_edge(r.start, r.end, key)
            edit.add_edge(r)
    return edit.graph, touched


def _ends(graph: nx.MultiDiGraph, key: str) -> tuple[str, str] | None:
    """Where the relation ``key`` is in ``graph``: keys name their ends
    (``TYPE:start>end[#digest]``, see :func:`graph.model.relationship_key`)."""
    _, _, ends = key.split("#", 1)[0].partition(":")
    for i, char in enumerate(ends):
        if char == ">" and graph.has_edge(ends[:i], ends[i + 1:], key):
            return ends[:i], ends[i + 1:]
    return None


@dataclass(frozen=True)
class _Projection:
    generation: int
    graph: nx.MultiDiGraph
    derived: object
    #: the log as last read: the writes it listed (already shown) and the store's clock
    seen: frozenset[str]
    clock_ms: int | None


Derive = Callable[[nx.MultiDiGraph], object]
#: (old derived value, old graph, new graph, touched nodes) -> new derived value
Update = Callable[[object, nx.MultiDiGraph, nx.MultiDiGraph, set[str]], object]




class ProjectionCache:
    """Holds the last projection of a store; brought up to date when the store's
    generation moves.

    Every write bumps the generation and logs the keys it touched (in the database
    itself, so writes from another process count too). A projection behind by a few
    writes is updated from the log: the touched nodes and relations are read again and
    what was derived is updated for them (``update``); a projection far behind, or whose
    log cannot be trusted (a clear, a large import, a write transaction longer than the
    log's window), is rebuilt from a full export. Readers do not queue behind either:
    while one thread refreshes, the others keep reading the last projection; only the
    very first build is waited for.
    """

    def __init__(self, derive: Derive | None = None, update: Update | None = None) -> None:
        self._lock = threading.Lock()
        # computed from each projection before it is published (the evidence index):
        # readers of a new projection never wait for it
        self._derive = derive
        self._update = update
        # one attribute, swapped whole: a reader never sees a graph with another's label
        self._current: _Projection | None = None
        #: how the projection was last brought up to date, "built" or "updated", the last
        #: ones only (for the tests and benchmarks; a server runs for months)
        self.refreshes: list[str] = []
        self._frozen = False

    def _note(self, how: str) -> None:
        self.refreshes.append(how)
        if len(self.refreshes) > 2 * KEPT_REFRESHES:
            del self.refreshes[:-KEPT_REFRESHES]

    def generation_of(self, graph: nx.MultiDiGraph) -> int | None:
        """The store generation ``graph`` shows, if it is the current projection."""
        current = self._current
        return current.generation if current is not None and current.graph is graph else None

    @property
    def current_generation(self) -> int | None:
        current = self._current
        return current.generation if current is not None else None

    def ready(self, generation: int) -> tuple[nx.MultiDiGraph, object] | None:
        """The projection and what was derived from it, if it already shows ``generation``
        (nothing to build or update)."""
        current = self._current
        return (current.graph, current.derived) \
            if current is not None and current.generation == generation else None

    @property
    def rebuilding(self) -> bool:
        return self._lock.locked()

    def get(self, store: GraphStore) -> nx.MultiDiGraph:
        return self.snapshot(store)[0]

    def snapshot(self, store: GraphStore) -> tuple[nx.MultiDiGraph, object]:
        """The current projection and what was derived from it, refreshed if stale."""
        current = self._current
        if current is not None and current.generation == store.generation():
            return current.graph, current.derived
        if current is not None and not self._lock.acquire(blocking=False):
            # a refresh is under way: the last projection serves meanwhile
            return current.graph, current.derived
        if current is None:
            self._lock.acquire()
        try:
            current = self._current
            if current is None or current.generation != store.generation():
                replaced = current is not None
                current = self._current = self._refresh(store, current)
                if self.refreshes[-1] == "built" and \
                        current.graph.number_of_nodes() > FREEZE_ABOVE:
                    if replaced:
                        # the last projection, let go, is collected first (it would be
                        # frozen with it); the first build has none to let go, and a full
                        # collection over the new one would cost a third of a second
                        gc.collect()
                    gc.freeze()
                    self._frozen = True
            return current.graph, current.derived
        finally:
            self._lock.release()

    def _refresh(self, store: GraphStore, current: _Projection | None) -> _Projection:
        if current is not None and current.clock_ms is not None:
            log = store.write_log(current.clock_ms - LOG_WINDOW_MS)
            writes = new_writes(log, current.generation, current.seen, MAX_DELTA_KEYS)
            if log is not None and writes is not None:
                graph, touched = apply_writes(store, current.graph, writes)
                derived = (self._update(current.derived, current.graph, graph, touched)
                           if self._update else self._derive(graph) if self._derive else None)
                self._note("updated")
                return _Projection(log.generation, graph, derived,
                                   frozenset(w.id for w in log.writes), log.now_ms)
        # read before the export: the projection shows at least this generation
        log = store.write_log()
        generation = log.generation if log is not None else store.generation()
        if self._frozen:
            gc.unfreeze()  # the projection frozen last time may now be collected
            self._frozen = False
        # building makes objects by the million: collecting meanwhile only costs time
        with paused():
            with store.streamed_rows() as (nodes, rels):
                graph = from_rows(nodes, rels)
            derived = self._derive(graph) if self._derive else None
        self._note("built")
        return _Projection(generation, graph, derived,
                           frozenset(w.id for w in log.writes) if log else frozenset(),
                           log.now_ms if log else None)
