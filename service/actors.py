"""Use cases on actors and places: search, profile, a country's actors, lists, counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from graph.focus import Focus, focus_edges, focus_themes
from graph.labels import kind_label
from graph.model import COLLECTIVITE_KINDS, INTERNATIONAL_RELS, NodeKind, RelType
from graph.projection import edge_props, node_props
from graph.status import STATUS_FR, Status, cited_years, relation_status
from graph.walks import ActorFilter, filter_actors, search_nodes
from service.context import Context, NotFound
from service.schemas import (
    CountryPublic,
    NodePublic,
    NodeRef,
    Profile,
    SharedActor,
    SharedPartner,
    Stats,
)

#: Relations whose status (going on, stopped, to check) a user follows; not themes,
#: places or memberships.
PARTNERSHIP_RELS = INTERNATIONAL_RELS - {RelType.MEMBER_OF}


def search(ctx: Context, spec: ActorFilter, limit: int, offset: int) -> tuple[list[NodeRef], int]:
    """Actors matching ``spec``, active ones first; one page and the total."""
    keys = filter_actors(ctx.graph(), ctx.index(), spec)
    return [ctx.ref(k) for k in keys[offset:offset + limit]], len(keys)


def find(ctx: Context, text: str, limit: int) -> list[dict[str, str]]:
    """What the search box offers: actors, foreign authorities, countries, programmes,
    with the French label of their kind."""
    graph = ctx.graph()
    return [{"key": k, "name": ctx.name(k), "kind": str(graph.nodes[k]["kind"]),
             "kind_label": kind_label(str(graph.nodes[k]["kind"]))}
            for k in search_nodes(graph, ctx.index(), text, limit)]


def profile(ctx: Context, key: str, personal: bool = False) -> Profile:
    """A node and its relations grouped by type, each with its period and source; its
    personal data only if ``personal`` (an authorised caller asked)."""
    return Profile.model_validate(profile_data(ctx, key, personal))


def profile_data(ctx: Context, key: str, personal: bool = False) -> dict[str, Any]:
    """:func:`profile` as plain data, the :class:`Profile` shape: the API writes it as is
    (the hottest read: no model per relation). The node and its relations come from the
    projection of the same generation, the relations outgoing then incoming, each in key
    order, as the store lists them; the node from the store only for ``personal`` (the
    projection leaves personal data out)."""
    graph = ctx.graph()
    actor = _public(key, graph.nodes[key]) if not personal and key in graph else \
        NodePublic.data(ctx.need(key), personal)
    this_year = date.today().year
    names = _full_names(ctx, graph, key) if personal else {}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sides = ((True, graph.succ[key]), (False, graph.pred[key])) if key in graph else ()
    for outgoing, adjacent in sides:
        for rel_key, other, data in sorted(
                ((k, o, d) for o, pair in adjacent.items() for k, d in pair.items()),
                key=lambda edge: edge[0]):
            props = edge_props(data)
            period = props.get("period")
            kind = str(graph.nodes[other]["kind"])
            grouped[str(data["type"])].append({
                "key": rel_key, "type": data["type"], "outgoing": outgoing,
                "other": {"key": other, "kind": kind,
                          "name": names.get(other, graph.nodes[other]["name"])},
                "props": props, "period": str(period) if period else None,
                "status": STATUS_FR[relation_status(props, this_year)]
                if data["type"] in PARTNERSHIP_RELS else None,
                "source": data["source"], "licence": data["licence"]})
    return {"actor": actor,
            "relations": dict(sorted(grouped.items())),
            "same_partners": [s.model_dump() for s in same_partners(ctx, key)]}


def _public(key: str, data: dict[str, Any]) -> dict[str, Any]:
    """:meth:`NodePublic.data` of a node's public data in the projection."""
    return {"key": key, "kind": data["kind"], "name": data["name"], "props": node_props(data),
            "source": data["source"], "licence": data["licence"],
            "ingested_at": data["ingested_at"]}


def _full_names(ctx: Context, graph: Any, key: str) -> dict[str, str]:
    """The names of the people next to ``key`` as stored (the projection has their public
    names only)."""
    people = sorted({o for o in (*graph.succ[key], *graph.pred[key])
                     if graph.nodes[o]["kind"] == NodeKind.PERSON}) if key in graph else []
    return {k: n.name for k, n in ctx.store.get_nodes(people).items()}


def of_kind(ctx: Context, kind: NodeKind, limit: int, offset: int) -> tuple[list[NodePublic], int]:
    nodes = ctx.store.find_nodes(kind=kind, limit=limit, offset=offset)
    return [NodePublic.of(n) for n in nodes], ctx.store.count_nodes(kind=kind)


def country(ctx: Context, iso2: str) -> CountryPublic:
    """Who acts in a country, in which of its territories, on what, since when."""
    if len(iso2) != 2 or not iso2.isalpha():
        raise NotFound(f"code pays invalide : {iso2}")
    iso2 = iso2.upper()
    key = f"country:{iso2}"
    node = ctx.need(key)
    index, graph = ctx.index(), ctx.graph()
    actors: list[dict[str, Any]] = []
    focus = Focus(countries=[key])
    for actor in sorted(index.holders.get(("country", key), set())):
        ev = index.by_actor[actor]
        territories = sorted(t for t in ev.items["territory"]
                             if graph.nodes[t].get("country") == iso2)
        themes, since = there(ctx, actor, focus)
        actors.append({"key": actor, "name": ctx.name(actor), "kind": graph.nodes[actor]["kind"],
                       "territories": [ctx.ref(t).model_dump() for t in territories],
                       "themes": [ctx.ref(t).model_dump() for t in themes],
                       "since": since,
                       "sources": sorted(ev.items["country"][key])})
    places = sorted({src for src, _, d in graph.in_edges(key, data=True)
                     if d.get("type") == RelType.LOCATED_IN
                     and graph.nodes[src].get("kind") == NodeKind.TERRITORY})
    return CountryPublic(country=NodePublic.of(node), actors=actors,
                         territories=[ctx.ref(p) for p in places],
                         by_region=by_region(ctx, ("country", key)))


def there(ctx: Context, actor: str, focus: Focus) -> tuple[list[str], int | None]:
    """On what and since when an actor acts *there* (a country, a place abroad): from its
    current relations in the focus only, not from its action elsewhere."""
    graph = ctx.graph()
    edges = [(v, d) for v, d in focus_edges(graph, actor, focus)
             if relation_status(d, date.today().year) != Status.ENDED]
    years = sorted(y for _, d in edges for y in cited_years(d))
    themes = sorted(t for t in focus_themes(graph, actor, focus, edges) if t in graph)
    return themes, years[0] if years else None


def by_region(ctx: Context, item: tuple[str, str]) -> dict[str, int]:
    """How many French collectivités of each région hold an item of evidence (a country, a
    place abroad), most first: who else in France works there."""
    graph, counts = ctx.graph(), Counter[str]()
    for actor in ctx.index("france").holders.get(item, set()):
        data = graph.nodes[actor]
        if data.get("kind") in COLLECTIVITE_KINDS:
            region = data.get("region") or next(iter(data.get("regions") or []), None)
            if data.get("kind") == NodeKind.REGION:
                region = actor.split(":", 1)[1]
            counts[ctx.name(f"region:{region}") if region else "?"] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def same_partners(ctx: Context, key: str) -> list[SharedPartner]:
    """The other French collectivités tied to the same foreign places as ``key``, those of
    other régions flagged: who else in France works with this partner."""
    full = ctx.index("france")
    evidence = full.by_actor.get(key)
    if evidence is None:
        return []
    out = []
    for place in sorted(evidence.items["territory"]):
        others = sorted(a for a in full.holders.get(("territory", place), set())
                        if a != key and ctx.graph().nodes[a].get("kind") in COLLECTIVITE_KINDS)
        if others:
            out.append(SharedPartner(partner=ctx.ref(place), actors=[
                SharedActor(**ctx.ref(a).model_dump(), outside_region=not ctx.in_region(a))
                for a in others]))
    return out


def stats(ctx: Context) -> Stats:
    counts = ctx.store.counts()
    return Stats(nodes=counts.nodes, relationships=counts.relationships,
                 review_open=len(ctx.store.review_items("open")),
                 generation=ctx.store.generation())
