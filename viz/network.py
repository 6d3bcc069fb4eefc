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

from graph.labels import kind_label

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
}


def legend() -> list[dict[str, str]]:
    """The explorer's legend: one entry per node kind, with its French label.

    >>> legend()[0]
    {'kind': 'region', 'label': 'Région', 'shape': 'star', 'color': '#b2182b'}
    """
    return [{"kind": k, "label": kind_label(k), "shape": s, "color": c}
            for k, (s, c) in STYLE.items()]


def fruchterman_reingold(adjacency: np.ndarray, iterations: int = 50,
                         seed: int = 1) -> np.ndarray:
    """Force-directed positions in the unit square, vectorised over all pairs.

    networkx's own spring layout loops over nodes in Python above 500 nodes; this one
    keeps the whole step in numpy (float32), which lays out 1,000 nodes in under a second.
    """
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32)
    k = np.float32(1 / math.sqrt(n))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-4, out=d2)
        force = k * k / d2 - adjacency * np.sqrt(d2) / k
        mx, my = (dx * force).sum(1), (dy * force).sum(1)
        length = np.sqrt(mx * mx + my * my)
        np.maximum(length, 1e-4, out=length)
        step = temperature / length
        pos[:, 0] += mx * step
        pos[:, 1] += my * step
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
    adjacency = nx.to_numpy_array(nx.Graph(graph), nodelist=nodes, dtype=np.float32,
                                  weight=None)
    np.minimum(adjacency + adjacency.T, 1, out=adjacency)
    pos = fruchterman_reingold(adjacency, iterations=50 if n <= 1500 else 30, seed=seed)
    pos -= pos.mean(axis=0)
    spread = 60 * math.sqrt(n) / max(float(np.abs(pos).max()), 1e-6)
    return {str(key): (round(float(x) * spread, 1), round(float(y) * spread, 1))
            for key, (x, y) in zip(nodes, pos, strict=True)}


def vis_data(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """vis-network nodes and edges, built with pyvis. Labels are drawn on the canvas (no
    HTML), and no ``title`` is set: names never become markup."""
    net = Network(directed=True)
    biggest = max((float(n.get("size") or 0) for n in nodes), default=1.0) or 1.0
    for n in nodes:
        shape, colour = STYLE.get(n["kind"], ("dot", "#999999"))
        size = 8 + 22 * math.sqrt(float(n.get("size") or 0) / biggest)
        options: dict[str, Any] = {"size": round(size, 1), "kind": n["kind"]}
        if n.get("x") is not None:
            options.update(x=n["x"], y=n["y"])
        net.add_node(n["key"], label=str(n["name"])[:60], shape=shape, color=colour, **options)
    for e in edges:
        net.add_edge(e["source"], e["target"], id=e["key"], label=None, title=None,
                     relation=e["type"], years=e.get("years") or [])
    vis_nodes, vis_edges, *_ = net.get_network_data()
    for edge in vis_edges:
        edge.pop("label", None)
        edge.pop("title", None)
    return {"nodes": vis_nodes, "edges": vis_edges}
