"""Use cases of the analysis: partner suggestions, consortia, gaps, paths, brokers and
communities. The CLI and the API both call these (and only format)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.consortium import Consortium, build_consortia
from graph.focus import Focus, expand_odd
from graph.gaps import RULES, Gap, GapContext, Unresolved, scan
from graph.metrics import brokers, communities
from graph.metrics import path as shortest_path
from graph.opportunities import Suggestion, suggest_partners
from graph.walks import actors_per_country, engaged_subgraph
from ingest.templates import TEMPLATES
from service.context import Context, NotFound, Refused
from service.schemas import NodeRef


@dataclass(frozen=True)
class FocusQuery:
    """What a consortium is for, as a user types it: ISO codes, slugs or keys."""

    countries: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()

    def empty(self) -> bool:
        return not (self.countries or self.territories or self.themes or self.programmes)


def _key(raw: str, prefix: str) -> str:
    return raw if ":" in raw else f"{prefix}:{raw}"


def suggestions(ctx: Context, actor: str, k: int) -> list[Suggestion]:
    """The actors ``actor`` should work with, best first, with reasons and sources."""
    return suggest_partners(ctx.graph(), ctx.known(actor), k, ctx.index())


def focus(ctx: Context, query: FocusQuery) -> Focus:
    """Resolve a focus (ODD expand to the themes that address them); unknown keys are
    :class:`NotFound`. An empty focus means the country where most of the network's actors
    act (the first question of a country working group)."""
    graph = ctx.graph()
    if query.empty():
        counts = actors_per_country(graph, ctx.index())
        busiest = min(counts, key=lambda c: (-counts[c], c), default=None)
        if busiest is None:
            raise Refused("aucun pays d'action connu : précisez un pays, une collectivité "
                          "étrangère, un thème ou un programme")
        return Focus(countries=[busiest])
    themes: list[str] = []
    for raw in query.themes:
        key = _key(raw, "theme")
        if key.startswith("odd:"):
            themes += expand_odd(graph, ctx.known(key, "ODD inconnu"))
        else:
            themes.append(ctx.known(key))
    return Focus(countries=[ctx.known(f"country:{c.removeprefix('country:').upper()}")
                            for c in query.countries],
                 territories=[ctx.known(_key(t, "territory")) for t in query.territories],
                 themes=themes,
                 programmes=[ctx.known(_key(p, "programme")) for p in query.programmes])


#: Whose actors a consortium may draw on: the home région's network, or all of France.
SCOPES = ("region", "france")


def consortia(ctx: Context, target: Focus, top: int, scope: str = "region",
              including: str | None = None) -> list[Consortium]:
    """Alternative consortia for a focus, from the home région (``scope="region"``) or
    from the whole country (``"france"``: members from elsewhere flagged « hors région »);
    each with ``including`` when it is active on the focus."""
    if scope not in SCOPES:
        raise Refused(f"périmètre inconnu « {scope} » : region ou france")
    found = build_consortia(ctx.graph(), target, top=top, index=ctx.index(scope),
                            including=including)
    for consortium in found:
        for member in [consortium.lead, *consortium.members]:
            member.outside_region = not ctx.in_region(member.actor)
    return found


def focus_label(ctx: Context, target: Focus) -> str:
    return target.label(ctx.graph())


def gaps(ctx: Context, rule: str | None = None) -> list[Gap]:
    """The gap rules (one, or all), over the graph and the open review items."""
    if rule is not None and rule not in RULES:
        raise NotFound(f"règle inconnue : {rule} (règles : {', '.join(RULES)})")
    # rows left unattached (not the probable duplicates nor the possible co-partners)
    unresolved = tuple(Unresolved(i.key, i.name, i.reason, i.file, tuple(i.lines))
                       for i in ctx.store.review_items("open") if i.template in TEMPLATES)
    context = GapContext(ctx.graph(), ctx.index(), date.today().year, unresolved, ctx.region)
    return scan(context, [rule] if rule else None)


def path(ctx: Context, source: str, target: str) -> list[NodeRef]:
    """How to reach an actor: the shortest path between two nodes (empty when none)."""
    graph = ctx.graph()
    steps = shortest_path(graph, ctx.known(source), ctx.known(target))
    return [ctx.ref(k) for k in steps]


@dataclass(frozen=True)
class Broker:
    key: str
    name: str
    betweenness: float
    degree: int


@dataclass
class Metrics:
    brokers: list[Broker]
    communities: list[list[str]] = field(default_factory=list)


def metrics(ctx: Context, top: int) -> Metrics:
    """Brokers (sampled betweenness, fixed seed) and communities (Louvain, fixed seed) of
    the engaged part of the network: the geography alone would make every département a
    broker."""
    index = ctx.index()
    sub = engaged_subgraph(ctx.graph(), index)

    def activity(key: str) -> tuple[int, str]:
        ev = index.by_actor.get(key)
        return -(ev.relations if ev else 0), key

    ranked = [Broker(k, ctx.name(k), round(b, 5), d) for k, b, d in brokers(sub, top=top)]
    # each community's most active members first: its core, not the alphabet's first ten
    groups = [sorted(c, key=activity) for c in communities(sub) if len(c) > 2][:top]
    return Metrics(ranked, groups)
