"""Pure walks over the projection that the views, the maps and the reports share:
a node's neighbourhood, actor filters, the engaged subgraph, communes folded into their
EPCI, engagement per territory. No I/O; every output is sorted, so the same graph gives
the same answer in any process (Python's string hashing never decides an order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.evidence import EvidenceIndex, countries_on
from graph.model import ACTOR_KINDS, CONTAINER_KINDS, VOCABULARY_KINDS, NodeKind, normalize

#: What a country view keeps when it is tied to the country or one of its places.
TIED_KINDS = frozenset({NodeKind.ORGANISATION, NodeKind.PROGRAMME, NodeKind.PROJECT})


def ordered_subgraph(graph: nx.MultiDiGraph, keys: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of the subgraph on ``keys`` whose nodes and edges are in key order.

    ``graph.subgraph(a_set)`` iterates the set, so walks over it (sampled betweenness,
    Louvain, BFS) would depend on the process's hash seed; this copy does not.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("b", "a", key="k1")
    'k1'
    >>> list(ordered_subgraph(g, {"b", "a"}).nodes)
    ['a', 'b']
    """
    wanted = set(keys)
    sub = nx.MultiDiGraph()
    for key in sorted(wanted):
        if key in graph:
            sub.add_node(key, **graph.nodes[key])
    edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
             if u in wanted and v in wanted]
    for u, v, k, d in sorted(edges, key=lambda e: (e[0], e[1], str(e[2]))):
        sub.add_edge(u, v, key=k, **d)
    return sub


#: Nodes a walk stops at after its first step (see :func:`neighbourhood`).
STOP_KINDS = CONTAINER_KINDS | VOCABULARY_KINDS


def neighbourhood(graph: nx.MultiDiGraph, key: str, depth: int,
                  limit: int) -> tuple[set[str], bool]:
    """Nodes within ``depth`` steps of ``key`` (at most ``limit``), and whether it was cut.

    Beyond the first step the walk does not go through containers of geography (an EPCI,
    a département, a région, a country): a département would pull in all its communes; nor
    through a theme or an ODD: sharing a theme is not a way to reach anyone, and would pull
    in every actor working on it.

    >>> g = nx.MultiDiGraph()
    >>> for k, kd in [("commune:1", "commune"), ("departement:86", "departement"),
    ...               ("commune:2", "commune"), ("territory:x", "territory"),
    ...               ("theme:eau", "theme"), ("commune:3", "commune")]:
    ...     g.add_node(k, kind=kd)
    >>> for u, v in [("commune:1", "departement:86"), ("commune:2", "departement:86"),
    ...              ("commune:1", "territory:x"), ("commune:1", "theme:eau"),
    ...              ("commune:3", "theme:eau")]:
    ...     _ = g.add_edge(u, v)
    >>> sorted(neighbourhood(g, "commune:1", 2, 100)[0])
    ['commune:1', 'departement:86', 'territory:x', 'theme:eau']
    """
    undirected = graph.to_undirected(as_view=True)
    seen = {key}
    frontier = [key]
    truncated = False
    for level in range(1, depth + 1):
        nxt: list[str] = []
        for node in frontier:
            if level > 1 and graph.nodes[node].get("kind") in STOP_KINDS:
                continue
            for other in sorted(undirected.neighbors(node)):
                if other in seen:
                    continue
                if len(seen) >= limit:
                    truncated = True
                    break
                seen.add(other)
                nxt.append(other)
        frontier = nxt
    return seen, truncated


@dataclass(frozen=True)
class ActorFilter:
    """What a user narrows the actors down to; every field is optional."""

    text: str | None = None
    kind: str | None = None
    departement: str | None = None
    epci: str | None = None
    country: str | None = None
    theme: str | None = None

    def country_key(self) -> str | None:
        return f"country:{self.country.upper()}" if self.country else None

    def theme_key(self) -> str | None:
        if self.theme is None or ":" in self.theme:
            return self.theme
        return f"theme:{self.theme}"


def in_departement(key: str, data: dict[str, Any], dep: str) -> bool:
    """Whether a node lies in (or is) a département; an EPCI may span several."""
    dep = dep.removeprefix("departement:")
    deps = data.get("departements")
    return (data.get("departement") == dep or key == f"departement:{dep}"
            or (isinstance(deps, list) and dep in deps))


def filter_actors(graph: nx.MultiDiGraph, index: EvidenceIndex, spec: ActorFilter) -> list[str]:
    """Actor keys matching ``spec``: internationally active ones first, then by population
    (largest first), then by key. A country and a theme together ask for a relation in
    that country on that theme.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:1", kind="commune", name="Niort", population=60000, departement="79")
    >>> g.add_node("commune:2", kind="commune", name="Melle", population=6000, departement="79")
    >>> filter_actors(g, EvidenceIndex({}, {}), ActorFilter(departement="79"))
    ['commune:1', 'commune:2']
    >>> filter_actors(g, EvidenceIndex({}, {}), ActorFilter(text="melle"))
    ['commune:2']
    """
    kinds = {spec.kind} if spec.kind else set(ACTOR_KINDS)
    needle = normalize(spec.text) if spec.text else ""
    country_key, theme_key = spec.country_key(), spec.theme_key()
    epci = spec.epci.removeprefix("epci:") if spec.epci else None
    found: list[tuple[int, int, str]] = []
    for key, data in graph.nodes(data=True):
        if data.get("kind") not in kinds:
            continue
        if needle and needle not in normalize(str(data.get("name", ""))):
            continue
        if spec.departement and not in_departement(key, data, spec.departement):
            continue
        if epci and data.get("epci") != epci and key != f"epci:{epci}":
            continue
        ev = index.by_actor.get(key)
        if country_key and (ev is None or country_key not in ev.items["country"]):
            continue
        if theme_key and (ev is None or theme_key not in ev.items["theme"]):
            continue
        # both: on that theme *in* that country, not water in Mali and culture in Senegal
        if country_key and theme_key and country_key not in countries_on(graph, key,
                                                                         [theme_key]):
            continue
        found.append((0 if ev else 1, -int(data.get("population") or 0), key))
    found.sort()
    return [key for *_, key in found]


def engaged_keys(index: EvidenceIndex, actors: Iterable[str] | None = None) -> set[str]:
    """The engaged actors (or the given ones) plus every item of their evidence: what ties
    the network together, without the bare geography around it."""
    wanted = index.by_actor if actors is None else actors
    keep: set[str] = set()
    for actor in wanted:
        keep.add(actor)
        ev = index.by_actor.get(actor)
        if ev is not None:
            for items in ev.items.values():
                keep |= set(items)
    return keep


def within_country(graph: nx.MultiDiGraph, keys: set[str], actors: Iterable[str],
                   country: str) -> set[str]:
    """What a country view shows: its actors, the country, the places of it they act in,
    and the partners and projects tied to it (not the other countries and themes the
    actors touch elsewhere).

    >>> g = nx.MultiDiGraph()
    >>> for k, kind in (("commune:1", "commune"), ("country:SN", "country"),
    ...                 ("country:IT", "country"), ("territory:sn-a", "territory"),
    ...                 ("theme:eau", "theme"), ("project:sn-p", "project")):
    ...     g.add_node(k, kind=kind)
    >>> _ = g.add_edge("territory:sn-a", "country:SN", type="LOCATED_IN")
    >>> _ = g.add_edge("project:sn-p", "country:SN", type="TAKES_PLACE_IN")
    >>> sorted(within_country(g, set(g), ["commune:1"], "country:SN"))
    ['commune:1', 'country:SN', 'project:sn-p', 'territory:sn-a']
    """
    places = {country} | {k for k in keys if graph.nodes[k].get("kind") == NodeKind.TERRITORY
                          and country in graph.successors(k)}

    def tied(key: str) -> bool:
        return any(n in places for n in (*graph.successors(key), *graph.predecessors(key)))

    kept = set(actors) | places
    kept |= {k for k in keys if graph.nodes[k].get("kind") in TIED_KINDS and tied(k)}
    return kept & (keys | {country})


def within_theme(graph: nx.MultiDiGraph, keys: set[str], actors: Iterable[str],
                 theme: str) -> set[str]:
    """What a theme view shows: its actors, the theme, the projects on it those actors
    take part in, and the places and partners of those projects (not the other themes, nor
    places where the actors work on something else).

    >>> g = nx.MultiDiGraph()
    >>> for k, kind in (("commune:1", "commune"), ("theme:eau", "theme"),
    ...                 ("theme:culture", "theme"), ("project:puits", "project"),
    ...                 ("territory:bf-kaya", "territory"), ("territory:it-x", "territory")):
    ...     g.add_node(k, kind=kind)
    >>> _ = g.add_edge("commune:1", "project:puits", type="PARTICIPATES_IN")
    >>> _ = g.add_edge("project:puits", "theme:eau", type="ADDRESSES")
    >>> _ = g.add_edge("project:puits", "territory:bf-kaya", type="TAKES_PLACE_IN")
    >>> _ = g.add_edge("commune:1", "territory:it-x", type="TWINNED_WITH")
    >>> sorted(within_theme(g, set(g), ["commune:1"], "theme:eau"))
    ['commune:1', 'project:puits', 'territory:bf-kaya', 'theme:eau']
    """
    actors = set(actors)
    projects = {p for p in graph.predecessors(theme)
                if graph.nodes[p].get("kind") == NodeKind.PROJECT
                and any(a in actors for a in graph.predecessors(p))}
    around = {n for p in projects for n in graph.successors(p)
              if graph.nodes[n].get("kind") != NodeKind.THEME}
    return actors | {theme} | projects | (around & keys)


def engaged_subgraph(graph: nx.MultiDiGraph, index: EvidenceIndex) -> nx.MultiDiGraph:
    """The part of the graph with international action (for brokers and communities: the
    geography alone would make every département a broker)."""
    return ordered_subgraph(graph, engaged_keys(index))


def fold_communes(graph: nx.MultiDiGraph, sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Replace the communes of ``sub`` by their EPCI; each node's ``folded`` attribute
    counts the nodes it stands for, and the relations of one type between two nodes become
    one edge whose ``weight`` counts them (not thousands of parallel edges).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("epci:9", kind="epci", name="CA")
    >>> for c in ("commune:1", "commune:2"):
    ...     g.add_node(c, kind="commune", name=c, epci="9")
    >>> g.add_node("territory:x", kind="territory", name="X")
    >>> _ = g.add_edge("commune:1", "territory:x", key="r1", type="TWINNED_WITH", years=[1990])
    >>> _ = g.add_edge("commune:2", "territory:x", key="r2", type="TWINNED_WITH", years=[2001])
    >>> folded = fold_communes(g, g.subgraph(["commune:1", "commune:2", "territory:x"]))
    >>> sorted(folded.nodes(data="folded"))
    [('epci:9', 2), ('territory:x', 1)]
    >>> [(u, v, d["weight"], d["years"]) for u, v, d in folded.edges(data=True)]
    [('epci:9', 'territory:x', 2, [1990, 2001])]
    """
    into: dict[str, str] = {}
    for key, data in sub.nodes(data=True):
        if data.get("kind") == NodeKind.COMMUNE and data.get("epci"):
            into[key] = f"epci:{data['epci']}"
    folded = nx.MultiDiGraph()
    for key, data in sorted(sub.nodes(data=True)):
        target = into.get(key, key)
        if target not in folded:
            folded.add_node(target, **(graph.nodes[target] if target in graph else data))
            folded.nodes[target]["folded"] = 0
        folded.nodes[target]["folded"] += 1
    for u, v, _, data in sorted(sub.edges(keys=True, data=True), key=lambda e: str(e[2])):
        a, b = into.get(u, u), into.get(v, v)
        if a == b:
            continue
        key = f"{data.get('type', '')}:{a}>{b}"
        if folded.has_edge(a, b, key):
            edge = folded.edges[a, b, key]
            edge["weight"] += 1
            years = data.get("years")
            if isinstance(years, list):
                edge["years"] = sorted(set(edge.get("years") or []) | set(years))
        else:
            folded.add_edge(a, b, key=key, **{**data, "weight": 1})
    return folded


@dataclass(frozen=True)
class Engagement:
    """A French territory on the map: how many actors act internationally in it, and the
    water basin most of its communes belong to."""

    engaged: int
    basin: str | None


def territory_engagement(graph: nx.MultiDiGraph, index: EvidenceIndex) -> dict[str, Engagement]:
    """For every commune, EPCI and département: the engaged actors it holds (itself
    included) and its main water basin.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:1", kind="commune", epci="9", departement="79", basin="Loire-Bretagne")
    >>> out = territory_engagement(g, EvidenceIndex({}, {}))
    >>> out["departement:79"]
    Engagement(engaged=0, basin='Loire-Bretagne')
    """
    engaged: dict[str, set[str]] = defaultdict(set)
    basins: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, data in graph.nodes(data=True):
        if data.get("kind") != NodeKind.COMMUNE:
            continue
        for owner in (key, f"epci:{data.get('epci')}", f"departement:{data.get('departement')}"):
            if data.get("basin"):  # known where the basin file covers the commune
                basins[owner][str(data["basin"])] += 1
            else:
                basins.setdefault(owner, defaultdict(int))
            if key in index.by_actor:
                engaged[owner].add(key)
    for actor in index.by_actor:
        kind = graph.nodes[actor].get("kind")
        if kind in (NodeKind.EPCI, NodeKind.DEPARTEMENT):
            engaged[actor].add(actor)
            if kind == NodeKind.EPCI:
                for dep in graph.nodes[actor].get("departements") or []:
                    engaged[f"departement:{dep}"].add(actor)
    out: dict[str, Engagement] = {}
    for owner in sorted(set(basins) | set(engaged)):
        counts = basins.get(owner, {})
        basin = min(counts, key=lambda b: (-counts[b], b)) if counts else None
        out[owner] = Engagement(len(engaged.get(owner, ())), basin)
    return out


def actors_per_country(graph: nx.MultiDiGraph, index: EvidenceIndex) -> dict[str, int]:
    """Number of engaged actors per country key."""
    return {item: len(holders) for (kind, item), holders in sorted(index.holders.items())
            if kind == "country"}


#: What the search box finds: who acts, and where.
SEARCHABLE = ACTOR_KINDS | {NodeKind.TERRITORY, NodeKind.COUNTRY, NodeKind.PROGRAMME}


def _folded(text: str) -> str:
    """:func:`normalize`, with hyphens, apostrophes and dots read as spaces."""
    return " ".join(normalize(text).translate(_PUNCTUATION).split())


_PUNCTUATION = str.maketrans({"-": " ", "'": " ", ".": " "})


def search_nodes(graph: nx.MultiDiGraph, index: EvidenceIndex, text: str,
                 limit: int = 8) -> list[str]:
    """Keys whose name (or alias, or acronym) contains ``text``, whatever the accents,
    capitals, hyphens and apostrophes: exact names first, then names that begin with it,
    then the others; within each, the closest (shortest) names, then actors with
    international action, then the most populous.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("epci:1", kind="epci", name="CU du Grand Poitiers", population=190000)
    >>> g.add_node("commune:2", kind="commune", name="Poitiers", population=88000)
    >>> g.add_node("territory:td-moundou", kind="territory", name="Moundou")
    >>> search_nodes(g, EvidenceIndex({}, {}), "poitiers")
    ['commune:2', 'epci:1']
    >>> search_nodes(g, EvidenceIndex({}, {}), "MOUNDOU")
    ['territory:td-moundou']
    >>> g.add_node("organisation:ps-eau", kind="organisation", name="Programme Solidarité Eau",
    ...            acronym="pS-Eau")
    >>> search_nodes(g, EvidenceIndex({}, {}), "ps eau")
    ['organisation:ps-eau']
    """
    needle = _folded(text)
    if not needle:
        return []
    found: list[tuple[int, int, int, int, str]] = []
    for key, data in graph.nodes(data=True):
        if data.get("kind") not in SEARCHABLE:
            continue
        aliases = data.get("aliases")
        names = [_folded(str(data.get("name", "")))] + (
            [_folded(str(a)) for a in aliases] if isinstance(aliases, list) else []) + (
            [_folded(str(data["acronym"]))] if data.get("acronym") else [])
        ranks = [(0 if n == needle else 1 if n.startswith(needle) else 2, len(n))
                 for n in names if needle in n]
        if ranks:
            rank, length = min(ranks)
            found.append((rank, length, 0 if key in index.by_actor else 1,
                          -int(data.get("population") or 0), key))
    found.sort()
    return [key for *_, key in found[:limit]]
