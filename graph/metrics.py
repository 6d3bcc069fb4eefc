"""Network metrics: brokers, communities, shortest paths. Pure functions."""

from __future__ import annotations

import networkx as nx

from graph.model import ACTOR_KINDS, VOCABULARY_KINDS, NodeKind

#: Nodes a path never goes through.
NOT_A_WAY = VOCABULARY_KINDS | {NodeKind.COUNTRY}


def undirected(graph: nx.MultiDiGraph, skip: frozenset[str] = frozenset()) -> nx.Graph:
    """The simple undirected graph, nodes and edges inserted in key order, without the
    nodes whose kind is in ``skip``.

    networkx's undirected *view* of a directed graph walks ``set(succ) | set(pred)``, whose
    order depends on the process's hash seed: sampled betweenness, Louvain and shortest
    paths would then differ from one run to the next.
    """
    keep = sorted(n for n, k in graph.nodes(data="kind") if k not in skip)
    wanted = set(keep)
    simple = nx.Graph()
    simple.add_nodes_from(keep)
    simple.add_edges_from(sorted({(min(u, v), max(u, v)) for u, v in graph.edges()
                                  if u in wanted and v in wanted}))
    return simple


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
                     if graph.nodes[n].get("kind") in ACTOR_KINDS), key=lambda x: (-x[1], x[0]))
    return ranked[:top]


def communities(graph: nx.MultiDiGraph, seed: int = 42) -> list[set[str]]:
    """Louvain communities (seeded, so the same graph gives the same clusters)."""
    parts = nx.community.louvain_communities(undirected(graph), seed=seed)
    return sorted(parts, key=lambda c: (-len(c), min(c)))


def path(graph: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """Shortest path between two actors (« comment joindre X »); empty when none.

    Themes, ODD and countries are left out: sharing a theme or a country is not a way to
    reach anyone; actors, foreign authorities, programmes and organisations are.

    >>> g = nx.MultiDiGraph()
    >>> for k, kd in [("commune:a", "commune"), ("commune:b", "commune"),
    ...               ("theme:eau", "theme"), ("territory:x", "territory")]:
    ...     g.add_node(k, kind=kd)
    >>> for u, v in [("commune:a", "theme:eau"), ("commune:b", "theme:eau"),
    ...              ("commune:a", "territory:x"), ("commune:b", "territory:x")]:
    ...     _ = g.add_edge(u, v)
    >>> path(g, "commune:a", "commune:b")
    ['commune:a', 'territory:x', 'commune:b']
    """
    try:
        return list(nx.shortest_path(undirected(graph, NOT_A_WAY), source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
