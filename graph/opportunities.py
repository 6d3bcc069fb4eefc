"""Partner suggestions and consortia, with their explanations in French.

Scores are resource allocation indices computed per kind of evidence: a shared item
held by ``n`` actors adds ``1/n``, so a small foreign town two actors both work with
counts a lot, a network of 200 members little. Kinds are combined with the weights of
:data:`graph.evidence.WEIGHTS`. Candidates come from the reverse index (actors sharing
at least one item: the 2-hop neighbourhood), never from all pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.evidence import (
    WEIGHTS,
    Evidence,
    EvidenceIndex,
    actor_evidence,
    build_index,
    kind,
)


@dataclass
class Reason:
    kind: str
    item: str
    text: str
    weight: float
    sources: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    actor: str
    name: str
    score: float
    reasons: list[Reason]


def name(graph: nx.MultiDiGraph, key: str) -> str:
    return str(graph.nodes[key].get("name", key)) if key in graph else key


def _country_phrase(graph: nx.MultiDiGraph, country: str) -> str:
    return name(graph, country)


def explain(graph: nx.MultiDiGraph, ev_kind: str, item: str, plural: bool = True) -> str:
    """The French sentence for one shared item.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("territory:bf-comoe", kind="territory", name="Province de la Comoé", country="BF")
    >>> g.add_node("country:BF", kind="country", name="Burkina Faso")
    >>> explain(g, "territory", "territory:bf-comoe")
    'coopèrent tous deux avec Province de la Comoé (Burkina Faso)'
    >>> g.add_node("epci:1", kind="epci", name="CA du Grand Angoulême")
    >>> explain(g, "epci", "epci:1")
    'membres du même EPCI : CA du Grand Angoulême'
    """
    label = name(graph, item)
    both = "tous deux " if plural else ""
    if ev_kind == "territory":
        country = graph.nodes[item].get("country")
        suffix = f" ({name(graph, f'country:{country}')})" if country else ""
        return f"coopèrent {both}avec {label}{suffix}"
    if ev_kind == "country":
        return f"agissent {both}dans le même pays : {label}"
    if ev_kind == "theme":
        return f"travaillent {both}sur le thème « {label} »"
    if ev_kind == "partner":
        return f"sont {both}liés à {label}"
    if ev_kind == "epci":
        return f"membres du même EPCI : {label}"
    return f"situés dans le même département : {label}"


def _evidence(graph: nx.MultiDiGraph, index: EvidenceIndex, actor: str) -> Evidence:
    return index.by_actor.get(actor) or actor_evidence(graph, actor)


#: Items held by more actors than this (a theme, a large network, a very popular country)
#: are not used to *generate* candidates — they still count in the score, at 1/n. This
#: bounds the candidates of one actor, so their total grows linearly with the graph.
MAX_FANOUT = 150
#: Rarest items first; stop opening new items once this many candidates are found, so
#: one actor's candidates stay bounded however dense the graph gets.
MAX_CANDIDATES = 100


def candidates(index: EvidenceIndex, ev: Evidence) -> set[str]:
    """Actors sharing at least one evidence item with ``ev`` (its 2-hop neighbours),
    reached through its rarest items first, never through hubs (more than
    :data:`MAX_FANOUT` holders)."""
    pivots = sorted((len(index.holders.get((k, item), ())), k, item)
                    for k, items in ev.items.items() for item in items)
    found: set[str] = set()
    for size, ev_kind, item in pivots:
        if size > MAX_FANOUT or len(found) >= MAX_CANDIDATES:
            break
        found |= index.holders.get((ev_kind, item), set())
    found.discard(ev.actor)
    return found


def score_pair(graph: nx.MultiDiGraph, index: EvidenceIndex, a: Evidence,
               b: Evidence) -> tuple[float, list[Reason]]:
    """Weighted resource-allocation score of two actors and the reasons behind it."""
    total = 0.0
    reasons: list[Reason] = []
    for ev_kind, weight in WEIGHTS.items():
        shared = set(a.items[ev_kind]) & set(b.items[ev_kind])
        for item in sorted(shared):
            holders = max(len(index.holders.get((ev_kind, item), ())), 2)
            contribution = weight / holders
            total += contribution
            sources = sorted(a.items[ev_kind][item] | b.items[ev_kind][item])
            reasons.append(Reason(ev_kind, item, explain(graph, ev_kind, item),
                                  round(contribution, 4), sources))
    # Nearness alone does not make a partner: require one shared international item.
    if not any(r.kind in ("territory", "country", "theme", "partner") for r in reasons):
        return 0.0, []
    reasons.sort(key=lambda r: -r.weight)
    return total, reasons


def suggest_partners(graph: nx.MultiDiGraph, actor: str, k: int = 10,
                     index: EvidenceIndex | None = None) -> list[Suggestion]:
    """Top-``k`` actors ``actor`` should work with, best first, with reasons.

    Actors that already share a project with ``actor``, or act with it (co-signatories of
    one agreement), are left out: they are partners already.

    >>> g = nx.MultiDiGraph()
    >>> for key, kd in [("commune:a", "commune"), ("commune:b", "commune"),
    ...                 ("commune:c", "commune"), ("territory:bf-kaya", "territory"),
    ...                 ("country:BF", "country"), ("theme:eau", "theme")]:
    ...     g.add_node(key, kind=kd, name=key.split(":")[1])
    >>> _ = g.add_edge("territory:bf-kaya", "country:BF", type="LOCATED_IN")
    >>> _ = g.add_edge("commune:a", "territory:bf-kaya", type="TWINNED_WITH", source="s1")
    >>> _ = g.add_edge("commune:b", "territory:bf-kaya", type="COOPERATES_WITH", source="s2")
    >>> _ = g.add_edge("commune:c", "country:BF", type="COOPERATES_WITH", source="s3")
    >>> [(s.actor, round(s.score, 3)) for s in suggest_partners(g, "commune:a")]
    [('commune:b', 1.833), ('commune:c', 0.333)]

    By hand: *a* and *b* share Kaya (2 holders, weight 3: 3/2) and Burkina Faso
    (3 holders, weight 1: 1/3); *a* and *c* share only Burkina Faso (1/3).
    """
    index = index or build_index(graph)
    ev = _evidence(graph, index, actor)
    results: list[Suggestion] = []
    for other in candidates(index, ev):
        other_ev = index.by_actor[other]
        if ev.projects & other_ev.projects or other in ev.allies:
            continue
        total, reasons = score_pair(graph, index, ev, other_ev)
        if total > 0:
            results.append(Suggestion(other, name(graph, other), round(total, 4), reasons))
    results.sort(key=lambda s: (-s.score, s.actor))
    return results[:k]


def naive_suggest_partners(graph: nx.MultiDiGraph, actor: str, k: int = 10) -> list[str]:
    """Reference implementation that scores every non-edge of the actor–evidence graph
    with networkx (what happens when no candidate list is given). For benchmarks only."""
    index = build_index(graph)
    bipartite = nx.Graph()
    for a, ev in index.by_actor.items():
        for ev_kind, items in ev.items.items():
            for item in items:
                bipartite.add_edge(a, f"{ev_kind}|{item}")
    scores = []
    for u, v, p in nx.resource_allocation_index(bipartite):
        other = v if u == actor else u if v == actor else None
        if other in index.by_actor and p > 0:
            scores.append((other, p))
    scores.sort(key=lambda x: -x[1])
    return [v for v, _ in scores[:k]]


__all__ = ["Reason", "Suggestion", "candidates", "explain", "kind", "naive_suggest_partners",
           "score_pair", "suggest_partners"]
