"""The observatory: the region's international action year by year (from the dated
sources) and the network's own activity of the year (exchanges, working groups, funding
applications), for the annual activity report."""

from __future__ import annotations

from collections import Counter
from datetime import date

from pydantic import BaseModel

from graph.model import COLLECTIVITE_KINDS, NodeKind
from graph.observatory import timeline
from service import applications, crm
from service.context import Context
from service.crm_schemas import STATUSES, ApplicationView
from service.schemas import NodeRef
from viz.charts import columns

#: How many years the timeline shows by default.
SPAN = 20


class YearFigures(BaseModel):
    year: int
    relations: int
    collectivites: int
    countries: int


class Change(BaseModel):
    actor: NodeRef
    partner: NodeRef
    type: str


class Observatory(BaseModel):
    region: str
    year: int
    years: list[YearFigures]
    started: list[Change]
    ended: list[Change]
    newly_engaged: list[NodeRef]
    by_departement: dict[str, int]
    by_theme: dict[str, int]
    undated: int
    interactions: dict[str, int]
    groups: int
    applications: dict[str, list[ApplicationView]]


def observatory(ctx: Context, year: int | None = None, first: int | None = None) -> Observatory:
    """The home région's year ``year`` (this year by default) and the years before it."""
    this_year = date.today().year
    year = year or this_year
    first = max(1900, min(first or year - SPAN + 1, year))
    graph = ctx.graph()
    actors = {k for k, d in graph.nodes(data=True)
              if d.get("kind") in COLLECTIVITE_KINDS and ctx.in_region(k)}
    found = timeline(graph, actors, first, year, this_year)
    row = found.years[-1]

    def change(fact: tuple[str, str, str]) -> Change:
        return Change(actor=ctx.ref(fact[0]), partner=ctx.ref(fact[1]), type=fact[2])

    shown = [i for i in crm.interactions(ctx) if i.date.startswith(str(year))]
    dossiers = {s: [a for a in items if a.year == year or any(
        h.endswith(f"@{year}") or f"@{year}-" in h for h in a.history)]
        for s, items in applications.pipeline(ctx).items()}
    return Observatory(
        region=ctx.region_name, year=year,
        years=[YearFigures(year=y.year, relations=y.relations, collectivites=len(y.actors),
                           countries=len(y.countries)) for y in found.years],
        started=[change(f) for f in sorted(row.started)],
        ended=[change(f) for f in sorted(row.ended)],
        newly_engaged=sorted((ctx.ref(a) for a in row.newly_engaged), key=lambda r: r.name),
        by_departement={ctx.name(d) if d != "?" else "sans département": n
                        for d, n in found.by_departement[year].most_common()},
        by_theme={ctx.name(t): n for t, n in found.by_theme[year].most_common()},
        undated=found.undated,
        interactions=dict(Counter(i.mode for i in shown).most_common()),
        groups=ctx.store.count_nodes(NodeKind.GROUP), applications=dossiers)


def chart(view: Observatory) -> str:
    """The timeline as SVG: relations attested each year."""
    return columns(f"Relations internationales datées par année — {view.region}",
                   [(str(y.year), float(y.relations)) for y in view.years])


def status_label(status: str) -> str:
    return STATUSES.get(status, status)
