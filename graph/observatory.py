"""The region's international action year by year, as far as the sources date it.

A relation counts in a year its sources cover: from its first attested year (``since``
or the first year cited) to its last (the last year cited, the end of a stated range
up to this year, the year it is said to have ended), through this year if a source says
it goes on. A relation no source dates (a Wikidata list of twinnings) counts in no year;
:func:`timeline` says how many. Pure functions of the projection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.model import COLLECTIVITE_KINDS, INTERNATIONAL_RELS, NodeKind, RelType
from graph.status import ONGOING


def span(data: dict[str, object], this_year: int) -> tuple[int, int] | None:
    """The first and last years a relation's sources cover, or ``None`` if undated.

    >>> span({"years": [1961, 2023]}, 2026), span({"since": 2013, "ongoing": True}, 2026)
    ((1961, 2023), (2013, 2026))
    >>> span({"years": [2024], "until": 2027}, 2026), span({"seen": [2017]}, 2026)
    ((2024, 2026), None)
    >>> span({"years": [1989], "ended": 2007}, 2026)
    (1989, 2007)
    """
    cited = [int(y) for y in data.get("years") or [] if isinstance(y, int)]  # type: ignore[attr-defined]
    since = data.get("since")
    starts = cited + ([since] if isinstance(since, int) else [])
    if not starts:
        return None
    first = min(starts)
    ends = [*cited, first]
    until, ended = data.get("until"), data.get("ended")
    if isinstance(until, int):
        ends.append(min(until, this_year))
    if isinstance(ended, int):
        ends.append(ended)
    elif data.get("ongoing") or ONGOING.search(str(data.get("period", ""))):
        ends.append(this_year)
    return first, max(first, max(ends))


@dataclass
class Year:
    """One year of the region's action, with what changed that year."""

    year: int
    relations: int = 0
    actors: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    #: (actor, partner, type) first attested that year
    started: list[tuple[str, str, str]] = field(default_factory=list)
    #: (actor, partner, type) whose sources say they ended that year
    ended: list[tuple[str, str, str]] = field(default_factory=list)
    #: collectivités whose first dated international relation is of that year
    newly_engaged: list[str] = field(default_factory=list)


@dataclass
class Timeline:
    years: list[Year]
    #: international relations of the region's collectivités no source dates
    undated: int
    by_departement: dict[int, Counter[str]]
    #: dated relations each year by the themes their sources name (``themes``)
    by_theme: dict[int, Counter[str]]


def _countries(graph: nx.MultiDiGraph, target: str, data: dict[str, object]) -> set[str]:
    found = {f"country:{c}" for c in data.get("countries") or []}  # type: ignore[attr-defined]
    if graph.nodes[target].get("kind") == NodeKind.COUNTRY:
        found.add(target)
    for _, place, d in graph.out_edges(target, data=True):
        if d.get("type") == RelType.LOCATED_IN and graph.nodes[place].get("kind") == NodeKind.COUNTRY:
            found.add(place)
    return found


def departement_of(graph: nx.MultiDiGraph, actor: str) -> str | None:
    data = graph.nodes[actor]
    if data.get("kind") == NodeKind.DEPARTEMENT:
        return actor
    code = data.get("departement")
    if code:
        return f"departement:{code}"
    for _, target, d in graph.out_edges(actor, data=True):
        if d.get("type") == RelType.LOCATED_IN and \
                graph.nodes[target].get("kind") == NodeKind.DEPARTEMENT:
            return str(target)
    return None


def timeline(graph: nx.MultiDiGraph, actors: set[str], first: int, last: int,
             this_year: int) -> Timeline:
    """Year by year from ``first`` to ``last``: the dated international relations of
    ``actors`` (the region's collectivités), the collectivités and countries they tie, what
    began and ended, who engaged for the first time, and the engaged collectivités by
    département.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:1", kind="commune", departement="86")
    >>> g.add_node("country:BF", kind="country")
    >>> g.add_edge("commune:1", "country:BF", type="COOPERATES_WITH", years=[2020, 2022])
    0
    >>> t = timeline(g, {"commune:1"}, 2019, 2023, 2026)
    >>> [(y.year, y.relations, len(y.newly_engaged)) for y in t.years]
    [(2019, 0, 0), (2020, 1, 1), (2021, 1, 0), (2022, 1, 0), (2023, 0, 0)]
    """
    years = {y: Year(y) for y in range(first, last + 1)}
    by_dep: dict[int, Counter[str]] = {y: Counter() for y in years}
    by_theme: dict[int, Counter[str]] = {y: Counter() for y in years}
    first_seen: dict[str, int] = {}
    undated = 0
    for actor in sorted(actors):
        if graph.nodes[actor].get("kind") not in COLLECTIVITE_KINDS:
            continue
        for _, target, data in graph.out_edges(actor, data=True):
            if data.get("type") not in INTERNATIONAL_RELS or \
                    graph.nodes[target].get("kind") in COLLECTIVITE_KINDS:
                continue
            covered = span(data, this_year)
            if covered is None:
                undated += 1
                continue
            start, end = covered
            first_seen[actor] = min(first_seen.get(actor, start), start)
            fact = (actor, str(target), str(data.get("type")))
            countries = _countries(graph, target, data)
            themes = [f"theme:{t}" for t in data.get("themes") or []]
            for y in range(max(start, first), min(end, last) + 1):
                by_theme[y].update(themes)
                years[y].relations += 1
                years[y].actors.add(actor)
                years[y].countries |= countries
            if start in years:
                years[start].started.append(fact)
            if isinstance(data.get("ended"), int) and data["ended"] in years:
                years[int(data["ended"])].ended.append(fact)
    for actor, year in first_seen.items():
        if year in years:
            years[year].newly_engaged.append(actor)
    for y, row in years.items():
        for actor in row.actors:
            # the Région counts as itself; « ? » is an EPCI of unknown département
            here = departement_of(graph, actor) or (
                actor if graph.nodes[actor].get("kind") == NodeKind.REGION else "?")
            by_dep[y][here] += 1
    return Timeline([years[y] for y in sorted(years)], undated, by_dep, by_theme)
