"""Network metrics: brokers, communities, shortest paths. Pure functions."""

from __future__ import annotations

import networkx as nx

from graph.evidence import ACTORS


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    return nx.Graph(graph.to_undirected(as_view=True))


def brokers(graph: nx.MultiDiGraph, top: int = 10, sample: int = 300,
            seed: int = 42) -> list[tuple[str, float, int]]:
    """Actors with the highest betweenness (sampled on ``sample`` pivots when larger),
    with their degree.

    >>> g = nx.MultiDiGraph()
    >>> for k in "abc":
    ...     g.add_node(f"commune:{k}", kind="commune")
    >>> _ = g.add_edge("commune:a", "commune:b"); _ = g.add_edge("commune:b", "commune:c")
    >>> brokers(g, top=1)[0][0]
    'commune:b'
    """
    simple = undirected(graph)
    k = sample if simple.number_of_nodes() > sample else None
    centrality = nx.betweenness_centrality(simple, k=k, seed=seed)
    ranked = sorted(((n, c, simple.degree(n)) for n, c in centrality.items()
                     if graph.nodes[n].get("kind") in ACTORS), key=lambda x: (-x[1], x[0]))
    return ranked[:top]


def communities(graph: nx.MultiDiGraph, seed: int = 42) -> list[set[str]]:
    """Louvain communities (seeded, so the same graph gives the same clusters)."""
    parts = nx.community.louvain_communities(undirected(graph), seed=seed)
    return sorted(parts, key=lambda c: (-len(c), min(c)))


def path(graph: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """Shortest path between two actors (« comment joindre X »); empty when none."""
    try:
        return list(nx.shortest_path(undirected(graph), source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
