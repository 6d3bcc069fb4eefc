"""Network drawings: positions computed on the server, vis-network data built with pyvis.

The browser receives nodes that already have their place, so physics stays off and a
view of a thousand nodes is readable at once.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
from pyvis.network import Network
from threadpoolctl import ThreadpoolController

from graph.labels import kind_label, relation_label

# kind → (vis shape, colour); the labels come from graph.labels (one table for everyone).
STYLE: dict[str, tuple[str, str]] = {
    "region": ("star", "#b2182b"),
    "departement": ("diamond", "#ef8a62"),
    "epci": ("square", "#f4a582"),
    "commune": ("dot", "#2166ac"),
    "organisation": ("triangle", "#1b7837"),
    "programme": ("triangleDown", "#5aae61"),
    "project": ("hexagon", "#762a83"),
    "country": ("ellipse", "#7f7f7f"),
    "territory": ("dot", "#bf812d"),
    "theme": ("box", "#35978f"),
    "odd": ("box", "#01665e"),
    "person": ("dot", "#999999"),
    "event": ("dot", "#999999"),
    "interaction": ("dot", "#c2a5cf"),
    "group": ("square", "#c2a5cf"),
    "application": ("hexagon", "#e08214"),
}


# relation type → (colour, dash pattern or None for a plain line, width): ties between
# partners plain and strong, project ties dashed, structural ties (membership, place,
# theme) thin, dotted and grey-ish, so the partnerships stand out.
EDGE_STYLE: dict[str, tuple[str, list[int] | None, float]] = {
    "TWINNED_WITH": ("#b2182b", None, 2.2),
    "COOPERATES_WITH": ("#2166ac", None, 2.2),
    "VOLUNTEERS_WITH": ("#e08214", None, 1.6),
    "PARTICIPATES_IN": ("#762a83", [8, 4], 1.6),
    "RUNS": ("#762a83", None, 1.6),
    "ANIMATES": ("#1b7837", None, 1.6),
    "FUNDED_BY": ("#1b7837", [8, 4], 1.6),
    "TAKES_PLACE_IN": ("#bf812d", [8, 4], 1.2),
    "PART_OF": ("#5aae61", [2, 4], 1.0),
    "ADDRESSES": ("#35978f", [2, 4], 1.0),
    "MEMBER_OF": ("#8c8c8c", [2, 4], 0.9),
    "LOCATED_IN": ("#b4b4b4", [2, 4], 0.9),
    "WORKS_FOR": ("#8c8c8c", [8, 4], 0.9),
    "ATTENDS": ("#8c8c8c", [8, 4], 0.9),
    "INVOLVES": ("#c2a5cf", [2, 4], 0.9),
    "IN_GROUP": ("#c2a5cf", [8, 4], 0.9),
    "APPLIES": ("#e08214", [8, 4], 1.2),
    "SUBMITTED_TO": ("#e08214", [2, 4], 0.9),
}
#: A view this small shows every name; a larger one only the important ones (the chosen
#: actor, its direct partners and the most connected nodes), the others on hover.
LABEL_ALL_UP_TO = 120
#: Views up to this size are laid out by Kamada-Kawai (even spacing), larger ones by the
#: vectorised force-directed layout below (Kamada-Kawai is quadratic in memory and time).
KAMADA_KAWAI_UP_TO = 80
LABELLED_HUBS = 40


def edge_legend() -> list[dict[str, Any]]:
    """The explorer's legend of relations: colour, dash pattern and width, French label.

    >>> edge_legend()[0]["label"], edge_legend()[0]["dashes"]
    ('jumelage', None)
    """
    return [{"type": t, "label": relation_label(t), "color": c, "dashes": d, "width": w}
            for t, (c, d, w) in EDGE_STYLE.items()]


def legend() -> list[dict[str, str]]:
    """The explorer's legend: one entry per node kind, with its French label.

    >>> legend()[0]
    {'kind': 'region', 'label': 'Région', 'shape': 'star', 'color': '#b2182b'}
    """
    return [{"kind": k, "label": kind_label(k), "shape": s, "color": c}
            for k, (s, c) in STYLE.items()]


#: the BLAS libraries numpy loaded (their thread count, see :func:`fruchterman_reingold`)
_BLAS = ThreadpoolController()


def fruchterman_reingold(adjacency: np.ndarray, iterations: int = 50,
                         seed: int = 1) -> np.ndarray:
    """:func:`_fruchterman_reingold` on one BLAS thread: a product split among threads adds
    in another order, and the same view would be placed differently by the server (one
    thread) and by a report (as many as cores)."""
    with _BLAS.limit(limits=1, user_api="blas"):
        return _fruchterman_reingold(adjacency, iterations, seed)


def _fruchterman_reingold(adjacency: np.ndarray, iterations: int, seed: int) -> np.ndarray:
    """Force-directed positions in the unit square, vectorised over all pairs.

    networkx's own spring layout loops over nodes in Python above 500 nodes; this one
    keeps the whole step in numpy (float32). Repulsion acts between every pair, through
    matrix products: the squared distances are one product of ``[x, y, |p|², 1]`` by
    ``[-2x, -2y, 1, |p|²]``, and each node's push is ``p_i Σ_j f_ij - (F p)_i``; attraction
    acts along the links only. Each node moves by the current temperature, which cools
    to zero. 1,100 nodes in 115 ms on one thread (three passes over the pair matrix per
    iteration, not twelve; 230 ms before).

    >>> ring = np.roll(np.eye(6, dtype=np.float32), 1, axis=1)
    >>> pos = _fruchterman_reingold(ring + ring.T, 50, 1)
    >>> pos.shape, bool(np.isfinite(pos).all())
    ((6, 2), True)
    """
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32)
    k = np.float32(1 / math.sqrt(n))
    kk = np.float32(k * k)
    src, dst = np.nonzero(adjacency)  # both directions of each link
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    ones = np.ones(n, dtype=np.float32)
    diagonal = np.arange(n)
    # made once and reused: a large block is mapped and unmapped at each allocation
    # (see graph.collection.large_blocks_to_system)
    force = np.empty((n, n), dtype=np.float32)
    for _ in range(iterations):
        norms = (pos * pos).sum(axis=1)
        np.matmul(np.column_stack([pos, norms, ones]),
                  np.column_stack([-2 * pos, ones, norms]).T, out=force)
        np.maximum(force, 1e-4, out=force)
        np.divide(kk, force, out=force)  # repulsion between every pair
        force[diagonal, diagonal] = 0
        move = pos * force.sum(axis=1)[:, None] - force @ pos
        along = pos[src] - pos[dst]
        pull = along * (np.sqrt(np.maximum((along * along).sum(axis=1), 1e-4)) / k)[:, None]
        move[:, 0] -= np.bincount(src, pull[:, 0], minlength=n)
        move[:, 1] -= np.bincount(src, pull[:, 1], minlength=n)
        length = np.sqrt((move * move).sum(axis=1))
        np.maximum(length, 1e-4, out=length)
        pos += move * (temperature / length)[:, None]
        temperature -= cooling
    return pos


def layout(graph: nx.Graph, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Positions in pixels, stable for a given graph (seeded), spread with its size.

    >>> pos = layout(nx.path_graph(["a", "b", "c"]))
    >>> sorted(pos) == ["a", "b", "c"] and layout(nx.path_graph(["a", "b", "c"])) == pos
    True
    """
    nodes = sorted(graph)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {str(nodes[0]): (0.0, 0.0)}
    # straight from the edges: networkx's conversion (an undirected copy, then the
    # matrix) took a third of a 1,000-node view's layout
    row = {key: i for i, key in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    ends = np.array([(row[u], row[v]) for u, v in graph.edges() if u != v],
                    dtype=np.int64).reshape(-1, 2)
    adjacency[ends[:, 0], ends[:, 1]] = 1
    adjacency[ends[:, 1], ends[:, 0]] = 1
    if n <= KAMADA_KAWAI_UP_TO:
        # small views: spaced by distance in the graph, so that a tight knot of linked
        # nodes (a département, its région, its EPCI, their themes) does not overlap
        simple = nx.Graph()
        simple.add_nodes_from(nodes)
        simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
        placed = nx.kamada_kawai_layout(simple, pos=nx.circular_layout(nodes))
        pos = np.array([placed[k] for k in nodes], dtype=np.float32)
    else:
        pos = fruchterman_reingold(adjacency, iterations=50 if n <= 1500 else 30, seed=seed)
    pos -= np.median(pos, axis=0)
    # nodes with no tie in the view drift far out; brought back to the edge of the rest,
    # so that fitting the view to the screen does not shrink everything else
    radius = np.sqrt((pos * pos).sum(axis=1))
    edge = float(np.quantile(radius, 0.98)) * 1.1
    far = radius > edge
    pos[far] *= (edge / radius[far])[:, None]
    spread = 60 * math.sqrt(n) / max(float(np.abs(pos).max()), 1e-6)
    return {str(key): (round(float(x) * spread, 1), round(float(y) * spread, 1))
            for key, (x, y) in zip(nodes, pos, strict=True)}


#: Colours of the largest communities (the others grey), told apart from the kinds' hues.
COMMUNITY_COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628",
                     "#f781bf", "#17becf", "#bcbd22", "#1b9e77", "#d95f02", "#7570b3"]


def communities(nodes: list[str], edges: list[tuple[str, str]], seed: int = 1) -> dict[str, int]:
    """Each node's community (Louvain, seeded: the same view, the same groups), numbered by
    size, the largest first.

    >>> groups = communities(["a", "b", "c", "x", "y", "z"],
    ...                      [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"),
    ...                       ("x", "z"), ("c", "x")])
    >>> groups["a"] == groups["b"] == groups["c"] != groups["x"] == groups["y"] == groups["z"]
    True
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted((u, v) for u, v in edges if u != v))
    found = nx.community.louvain_communities(graph, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {key: i for i, group in enumerate(ordered) for key in group}


def community_legend(groups: dict[str, int], names: dict[str, str],
                     sizes: dict[str, float]) -> list[dict[str, Any]]:
    """One line per coloured community: its colour, size, and the name of its most
    connected node (« autour de Poitiers »)."""
    members: dict[int, list[str]] = {}
    for key, group in groups.items():
        members.setdefault(group, []).append(key)
    out = []
    for group in sorted(members)[:len(COMMUNITY_COLOURS)]:
        hub = max(sorted(members[group]), key=lambda k: sizes.get(k, 0))
        out.append({"community": group, "color": COMMUNITY_COLOURS[group],
                    "size": len(members[group]), "label": f"autour de {names.get(hub, hub)}"})
    return out


def labelled(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
             focus: str | None = None) -> set[str]:
    """The nodes whose name is drawn: all in a small view; in a large one the focus, its
    direct neighbours and the most connected nodes.

    >>> ns = [{"key": str(i), "size": i} for i in range(200)]
    >>> shown = labelled(ns, [{"source": "0", "target": "1"}], focus="0")
    >>> {"0", "1", "199"} <= shown and "2" not in shown and len(shown) == 42
    True
    """
    if len(nodes) <= LABEL_ALL_UP_TO:
        return {n["key"] for n in nodes}
    hubs = sorted(nodes, key=lambda n: (-float(n.get("size") or 0), n["key"]))[:LABELLED_HUBS]
    shown = {n["key"] for n in hubs}
    if focus:
        shown.add(focus)
        for e in edges:
            if focus in (e["source"], e["target"]):
                shown.update((e["source"], e["target"]))
    return shown


class _Ids(list[str]):
    """pyvis's list of node ids, with a set beside it for its membership checks."""

    def __init__(self) -> None:
        super().__init__()
        self._known: set[str] = set()

    def append(self, key: str) -> None:
        super().append(key)
        self._known.add(key)

    def __contains__(self, key: object) -> bool:
        return key in self._known


class _Network(Network):  # type: ignore[misc]
    """pyvis's network, its membership checks in a set: pyvis scans its list of ids once
    per node added and twice per edge (0.12 s of a 1,000-node view; a few ms now)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.node_ids = _Ids()

    def get_nodes(self) -> Any:
        return self.node_ids


def vis_data(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
             focus: str | None = None) -> dict[str, Any]:
    """vis-network nodes and edges, built with pyvis: shapes and colours by kind, edge
    colour and line by relation type, the ``focus`` node highlighted. Labels are drawn on
    the canvas (no HTML), and no ``title`` is set: names never become markup (the page
    shows the others' names on hover, as text)."""
    net = _Network(directed=True)
    biggest = max((float(n.get("size") or 0) for n in nodes), default=1.0) or 1.0
    named = labelled(nodes, edges, focus)
    # in a large view, drawn small, the few names shown are written big enough to read
    large = len(nodes) > LABEL_ALL_UP_TO
    name_font: dict[str, Any] = {"size": 34, "strokeWidth": 6, "strokeColor": "#ffffff"} \
        if large else {"size": 12}
    for n in nodes:
        shape, colour = STYLE.get(n["kind"], ("dot", "#999999"))
        size = 8 + 22 * math.sqrt(float(n.get("size") or 0) / biggest)
        options: dict[str, Any] = {"size": round(size, 1), "kind": n["kind"],
                                   "name": str(n["name"]), "focus": n["key"] == focus}
        if n.get("x") is not None:
            options.update(x=n["x"], y=n["y"])
        if n["key"] == focus:
            options.update(size=max(options["size"], 26), borderWidth=5,
                           color={"background": colour, "border": "#111111"},
                           font={"size": 40 if large else 18, "strokeWidth": 4,
                                 "strokeColor": "#ffffff"})
        else:
            options["color"] = colour
            if n["key"] in named:
                options["font"] = name_font
        net.add_node(n["key"], label=str(n["name"])[:60], shape=shape, **options)
    for e in edges:
        colour, dashes, width = EDGE_STYLE.get(e["type"], ("#999999", None, 1.0))
        # an edge standing for several relations (communes folded into their EPCI) is wider
        width *= 1 + math.log2(int(e.get("weight") or 1))
        net.add_edge(e["source"], e["target"], id=e["key"], label=None, title=None,
                     relation=e["type"], years=e.get("years") or [],
                     weight=int(e.get("weight") or 1),
                     # selected or not, a relation keeps the colour of its type
                     color={"color": colour, "highlight": colour, "hover": colour,
                            "opacity": 0.75}, dashes=dashes or False,
                     width=width)
    vis_nodes, vis_edges, *_ = net.get_network_data()
    for node in vis_nodes:
        if node["id"] not in named:
            node["label"] = " "  # drawn on hover by the page; pyvis would draw the key
    for edge in vis_edges:
        edge.pop("label", None)
        edge.pop("title", None)
    return {"nodes": vis_nodes, "edges": vis_edges}
