"""What links an actor to the world, read off the typed projection.

For every actor (a collectivité or an organisation with some international action) we
collect its *evidence*: the foreign territories, countries, themes, partner
organisations or programmes, EPCI and département it is tied to, each with the sources
of the relations that tie it. Suggestions and consortia are computed from these sets.
Pure functions of a graph: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.model import (
    ACTOR_KINDS,
    COLLECTIVITE_KINDS,
    FOREIGN_KINDS,
    INTERNATIONAL_RELS,
    PARTNER_KINDS,
    NodeKind,
    RelType,
)
from graph.status import Status, relation_status

#: Relations by which two French actors act together.
JOINT_RELS = (RelType.COOPERATES_WITH, RelType.TWINNED_WITH)
EVIDENCE_KINDS = ("territory", "country", "theme", "partner", "epci", "departement")
#: Weights of each kind of evidence in the combined score (documented in docs/analysis.md).
WEIGHTS = {"territory": 3.0, "country": 1.0, "theme": 1.0, "partner": 1.5, "epci": 0.75,
           "departement": 0.5}


@dataclass
class Evidence:
    """An actor's evidence: kind → item key → sources of the relations behind it."""

    actor: str
    items: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: {k: defaultdict(set) for k in EVIDENCE_KINDS})
    projects: set[str] = field(default_factory=set)
    #: French actors it already acts with (co-signatories of one agreement, twinned
    #: together): existing partners, never suggested as new ones.
    allies: set[str] = field(default_factory=set)
    relations: int = 0
    years: list[int] = field(default_factory=list)

    def add(self, kind: str, item: str, source: str | None) -> None:
        bucket = self.items[kind][item]
        if source:
            bucket.add(source)

    @property
    def international(self) -> bool:
        return any(self.items[k] for k in ("territory", "country", "partner"))


def kind(graph: nx.MultiDiGraph, key: str) -> str:
    # the node dict itself, not the NodeView: called for every relation of every actor
    return str(graph._node[key].get("kind", ""))


def _out(graph: nx.MultiDiGraph, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(target, data) of each relation leaving ``key``, as ``out_edges(data=True)`` gives
    them, without building views (the index reads every relation of every actor)."""
    for target, edges in graph._adj[key].items():
        for data in edges.values():
            yield target, data


def _country_of(graph: nx.MultiDiGraph, territory: str) -> str | None:
    for target, data in _out(graph, territory):
        if data.get("type") == RelType.LOCATED_IN and kind(graph, target) == NodeKind.COUNTRY:
            return str(target)
    return None


def actor_evidence(graph: nx.MultiDiGraph, actor: str, year: int | None = None) -> Evidence:
    """Collect one actor's evidence.

    >>> g = nx.MultiDiGraph()
    >>> for k, kd in [("commune:1", "commune"), ("territory:bf-kaya", "territory"),
    ...               ("country:BF", "country"), ("epci:9", "epci")]:
    ...     g.add_node(k, kind=kd, name=k)
    >>> g.add_edge("commune:1", "territory:bf-kaya", type="TWINNED_WITH", source="u1")
    0
    >>> g.add_edge("territory:bf-kaya", "country:BF", type="LOCATED_IN", source="u2")
    0
    >>> g.add_edge("commune:1", "epci:9", type="MEMBER_OF", source="geo")
    0
    >>> ev = actor_evidence(g, "commune:1")
    >>> sorted(ev.items["territory"]), sorted(ev.items["country"]), sorted(ev.items["epci"])
    (['territory:bf-kaya'], ['country:BF'], ['epci:9'])
    """
    year = year or date.today().year
    ev = Evidence(actor)
    # the adjacency mappings, not edge views: a département has hundreds of communes
    # pointing at it, looked at for every index build
    for side in (graph._adj[actor], graph._pred[actor]):
        for other, edges in side.items():
            if other != actor and kind(graph, other) in COLLECTIVITE_KINDS and \
                    any(d.get("type") in JOINT_RELS for d in edges.values()):
                ev.allies.add(other)
    for target, data in _out(graph, actor):
        if relation_status(data, year) == Status.ENDED:
            continue  # the source says it stopped: not a current engagement
        rel, target_kind, source = data.get("type"), kind(graph, target), data.get("source")
        years = data.get("years")
        if rel in INTERNATIONAL_RELS and target_kind not in COLLECTIVITE_KINDS:
            ev.relations += 1
            if isinstance(years, list):
                ev.years.extend(int(y) for y in years)
        if rel == RelType.LOCATED_IN and target_kind == NodeKind.DEPARTEMENT:
            ev.add("departement", target, None)
        elif rel == RelType.MEMBER_OF and target_kind == NodeKind.EPCI:
            ev.add("epci", target, None)
        elif target_kind == NodeKind.TERRITORY:
            ev.add("territory", target, source)
            country = _country_of(graph, target)
            if country:
                ev.add("country", country, source)
        elif target_kind == NodeKind.COUNTRY:
            ev.add("country", target, source)
        elif target_kind == NodeKind.THEME:
            ev.add("theme", target, source)
        elif target_kind == NodeKind.PROJECT:
            ev.projects.add(target)
            for place, pdata in _out(graph, target):
                place_kind = kind(graph, place)
                if pdata.get("type") == RelType.TAKES_PLACE_IN and place_kind in FOREIGN_KINDS:
                    ev.add(place_kind, place, source)
                elif pdata.get("type") == RelType.ADDRESSES and place_kind == NodeKind.THEME:
                    ev.add("theme", place, source)
        elif target_kind in PARTNER_KINDS:
            ev.add("partner", target, source)
            # a funding or a programme the source places in a country: acting there too
            for iso in data.get("countries") or ():
                if f"country:{iso}" in graph:
                    ev.add("country", f"country:{iso}", source)
    # Organisations: who funds or runs what points at them too.
    if kind(graph, actor) == NodeKind.ORGANISATION:
        for source_key, _, data in graph.in_edges(actor, data=True):
            if data.get("type") == RelType.FUNDED_BY and kind(graph, source_key) == NodeKind.PROJECT:
                ev.projects.add(source_key)
    if kind(graph, actor) == NodeKind.COMMUNE:
        for epci in sorted(ev.items["epci"]):
            for dep, data in _out(graph, epci):
                if data.get("type") == RelType.LOCATED_IN and kind(graph, dep) == NodeKind.DEPARTEMENT:
                    ev.items["departement"].setdefault(dep, set())
    if kind(graph, actor) == NodeKind.DEPARTEMENT:
        ev.add("departement", actor, None)
    if kind(graph, actor) == NodeKind.EPCI:
        for dep, data in _out(graph, actor):
            if data.get("type") == RelType.LOCATED_IN:
                ev.add("departement", dep, None)
    return ev


def countries_on(graph: nx.MultiDiGraph, actor: str, keys: list[str]) -> set[str]:
    """The countries of the actor's relations that state one of ``keys`` (a theme, in
    their ``themes``) or reach it (a programme): where it acts on that, not everywhere.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("commune:1", "territory:ml-segou", themes=["eau"], countries=["ML"])
    >>> _ = g.add_edge("commune:1", "territory:de-x", themes=["culture"], countries=["DE"])
    >>> countries_on(g, "commune:1", ["theme:eau"])
    {'country:ML'}

    A project it takes part in counts by what the project addresses and where it takes
    place (a project imported from the « projets » template states them on the project):

    >>> g.add_node("project:p", kind="project")
    >>> g.add_node("country:BF", kind="country")
    >>> _ = g.add_edge("commune:1", "project:p", type="PARTICIPATES_IN")
    >>> _ = g.add_edge("project:p", "theme:eau", type="ADDRESSES")
    >>> _ = g.add_edge("project:p", "country:BF", type="TAKES_PLACE_IN")
    >>> sorted(countries_on(g, "commune:1", ["theme:eau"]))
    ['country:BF', 'country:ML']
    """
    slugs = {k.split(":", 1)[1] for k in keys if k.startswith("theme:")}
    found: set[str] = set()
    for _, target, d in graph.out_edges(actor, data=True):
        if target in keys or slugs & set(d.get("themes") or ()):
            found.update(f"country:{c}" for c in d.get("countries") or ())
        if target in graph and kind(graph, target) == NodeKind.PROJECT and any(
                v in keys for _, v, e in graph.out_edges(target, data=True)
                if e.get("type") in (RelType.ADDRESSES, RelType.PART_OF)):
            for _, place, e in graph.out_edges(target, data=True):
                if e.get("type") == RelType.TAKES_PLACE_IN:
                    country = place if kind(graph, place) == NodeKind.COUNTRY else \
                        f"country:{graph.nodes[place].get('country')}"
                    if country in graph:
                        found.add(country)
    return found


def partners_on(graph: nx.MultiDiGraph, actor: str,
                keys: list[str]) -> list[tuple[str, str, bool, str | None]]:
    """(partner, relation type, whether the relation leaves the actor, source) of the
    actor's relations with an organisation or a programme that state one of the themes
    ``keys``: who funds or carries its action on that theme (a water agency for a water
    action), in either direction.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("organisation:agence", kind="organisation")
    >>> g.add_node("organisation:club", kind="organisation")
    >>> _ = g.add_edge("commune:1", "organisation:agence", type="FUNDED_BY", source="u",
    ...                themes=["eau"])
    >>> _ = g.add_edge("commune:1", "organisation:club", type="MEMBER_OF", themes=["sport"])
    >>> partners_on(g, "commune:1", ["theme:eau"])
    [('organisation:agence', 'FUNDED_BY', True, 'u')]
    """
    slugs = {k.split(":", 1)[1] for k in keys if k.startswith("theme:")}
    found = []
    for start, end, d in [*graph.out_edges(actor, data=True), *graph.in_edges(actor, data=True)]:
        other = end if start == actor else start
        if kind(graph, other) in PARTNER_KINDS and slugs & set(d.get("themes") or ()):
            found.append((other, str(d.get("type")), start == actor, d.get("source")))
    return found


@dataclass
class EvidenceIndex:
    """Evidence of every internationally active actor, and the reverse index."""

    by_actor: dict[str, Evidence]
    holders: dict[tuple[str, str], set[str]]
    #: values derived once per index by the analyses (their own keys)
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def active(self) -> list[str]:
        return sorted(self.by_actor)


#: What an actor must point at to have international evidence (a place abroad, a partner,
#: or a project, which may take place abroad).
_REACHING = FOREIGN_KINDS | PARTNER_KINDS | {NodeKind.PROJECT}


def _indexed(graph: nx.MultiDiGraph, key: str, year: int | None) -> Evidence | None:
    """The evidence of ``key`` if the index holds it: an actor with international action."""
    if key not in graph or graph._node[key].get("kind") not in ACTOR_KINDS:
        return None
    nodes = graph._node
    if not any(nodes[t].get("kind") in _REACHING for t in graph._adj[key]):
        return None  # most communes: only their EPCI and département, no need to look closer
    ev = actor_evidence(graph, key, year)
    return ev if ev.international else None


def build_index(graph: nx.MultiDiGraph, year: int | None = None) -> EvidenceIndex:
    """Index all actors with international action (others can be looked up on demand);
    relations whose source says they ended before ``year`` (this year) do not count."""
    by_actor: dict[str, Evidence] = {}
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in graph:
        ev = _indexed(graph, key, year)
        if ev is None:
            continue
        by_actor[key] = ev
        for ev_kind, items in ev.items.items():
            for item in items:
                holders[(ev_kind, item)].add(key)
    return EvidenceIndex(by_actor, dict(holders))


def update_index(index: EvidenceIndex, old: nx.MultiDiGraph, new: nx.MultiDiGraph,
                 touched: set[str], year: int | None = None) -> EvidenceIndex:
    """The index of ``new``, from the index of ``old`` and the nodes whose surroundings
    changed between them (``touched``: changed nodes and the ends of changed relations).

    An actor's evidence reads its own relations, the kinds of its neighbours (fixed by
    their keys) and the relations leaving them (territory → country, project → places,
    EPCI → département): it changes only if a relation at the actor or at a neighbour
    changed, so only touched actors and the neighbours of touched nodes, in either graph,
    are computed again. The result equals ``build_index(new)``; ``index`` is left as it was (readers
    may hold it), and memoised values start afresh.

    >>> g = nx.MultiDiGraph()
    >>> for k, kd in [("commune:1", "commune"), ("country:BF", "country")]:
    ...     g.add_node(k, kind=kd, name=k)
    >>> h = g.copy()
    >>> h.add_edge("commune:1", "country:BF", type="COOPERATES_WITH", source="u")
    0
    >>> update_index(build_index(g), g, h, {"commune:1", "country:BF"}) == build_index(h)
    True
    """
    affected: set[str] = set()
    for graph in (old, new):
        for key in touched:
            if key not in graph:
                continue
            affected.add(key)
            affected.update(nx.all_neighbors(graph, key))
    by_actor = dict(index.by_actor)
    # sets are replaced, never changed in place: the old index stays true for its readers
    holders = dict(index.holders)
    for actor in affected:
        before = by_actor.pop(actor, None)
        if before is not None:
            for ev_kind, items in before.items.items():
                for item in items:
                    left = holders[(ev_kind, item)] - {actor}
                    if left:
                        holders[(ev_kind, item)] = left
                    else:
                        del holders[(ev_kind, item)]
        ev = _indexed(new, actor, year)
        if ev is None:
            continue
        by_actor[actor] = ev
        for ev_kind, items in ev.items.items():
            for item in items:
                holders[(ev_kind, item)] = holders.get((ev_kind, item), set()) | {actor}
    # the order a full build gives (the export's, by key)
    return EvidenceIndex(dict(sorted(by_actor.items())), holders)


def in_region(graph: nx.MultiDiGraph, key: str, region: str | None) -> bool:
    """Whether an actor belongs to a région's network: a collectivité of that région (an
    EPCI that straddles the border counts), an organisation of that région or of none
    (a national body, a partner); ``None``: every actor.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:86194", kind="commune", region="75")
    >>> g.add_node("commune:35238", kind="commune", region="53")
    >>> g.add_node("organisation:ps-eau", kind="organisation")
    >>> [in_region(g, k, "75") for k in g]
    [True, False, True]
    """
    if region is None:
        return True
    data = graph.nodes[key]
    kind = data.get("kind")
    if kind == NodeKind.REGION:
        return bool(key == f"region:{region}")
    if kind == NodeKind.EPCI:
        return region in (data.get("regions") or [])
    if kind in (NodeKind.COMMUNE, NodeKind.DEPARTEMENT):
        return bool(data.get("region") == region)
    home = data.get("region_insee")
    return home is None or bool(home == region)


def focused(index: EvidenceIndex, graph: nx.MultiDiGraph, region: str | None) -> EvidenceIndex:
    """The index of a région's network (kept in the index's memo: once per projection).
    Evidence stays whole: a place abroad is shared with actors elsewhere all the same."""
    if region is None:
        return index
    name = f"focused:{region}"
    found = index.memo.get(name)
    if isinstance(found, EvidenceIndex):
        return found
    by_actor = {k: ev for k, ev in index.by_actor.items() if in_region(graph, k, region)}
    holders: dict[tuple[str, str], set[str]] = {}
    for item, actors in index.holders.items():
        kept = {a for a in actors if a in by_actor}
        if kept:
            holders[item] = kept
    out = EvidenceIndex(by_actor, holders)
    index.memo[name] = out
    return out
