"""Consortium builder: for a focus (:mod:`graph.focus`), a lead (chef de file) and 2 to 6
members, ranked, with the funding that fits (:mod:`graph.funding`). Pure functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import networkx as nx

from graph.evidence import EvidenceIndex, build_index, kind
from graph.focus import Focus, focus_countries, focus_edges, focus_places, focus_themes
from graph.funding import Funding, fitting_funding
from graph.labels import country_in, kind_label
from graph.model import COLLECTIVITE_KINDS
from graph.opportunities import Reason
from graph.status import Status, cited_years, relation_status
from graph.wording import count, explain_one, name, names


@dataclass
class Member:
    actor: str
    name: str
    role: str  # chef de file, membre
    experience: float
    reasons: list[Reason]
    #: a collectivité of another région than the home one (« hors région »)
    outside_region: bool = False


@dataclass
class Consortium:
    lead: Member
    members: list[Member]
    score: float
    complementarity: list[str]
    funding: list[Funding]


def experience(index: EvidenceIndex, actor: str, focus: Focus) -> tuple[float, list[tuple[str, str]]]:
    """How much an actor has done on the focus: sources behind each focus item it holds;
    an actor active in the focus country scores on a focus territory too, at half."""
    ev = index.by_actor[actor]
    score = 0.0
    matched: list[tuple[str, str]] = []
    for ev_kind, item in focus.items():
        if item in ev.items[ev_kind]:
            score += 1.0 + len(ev.items[ev_kind][item])
            matched.append((ev_kind, item))
    for territory in focus.territories:
        country = "country:" + territory.split(":")[1][:2].upper()
        if territory not in ev.items["territory"] and country in ev.items["country"]:
            score += 0.5
            matched.append(("country", country))
    return score, matched


def _size(graph: nx.MultiDiGraph, actor: str) -> str:
    k = kind(graph, actor)
    if k != "commune":
        return kind_label(k).lower().replace("epci", "EPCI")  # « département », « région »
    pop = graph.nodes[actor].get("population") or 0
    return "grande commune" if pop >= 20000 else "commune moyenne" if pop >= 3500 else "petite commune"


def _departement(graph: nx.MultiDiGraph, actor: str) -> str | None:
    if kind(graph, actor) == "departement":
        return actor
    dep = graph.nodes[actor].get("departement")
    if dep:
        return f"departement:{dep}"
    deps = graph.nodes[actor].get("departements")
    return f"departement:{deps[0]}" if isinstance(deps, list) and deps else None


def _gain(graph: nx.MultiDiGraph, score: float, actor: str, deps: set[str | None],
          sizes: set[str], used: int) -> float:
    """Experience first, then what the member adds (a new département, a new size); an
    actor already in earlier alternatives is worth less, so the alternatives differ."""
    return (score + (0.75 if _departement(graph, actor) not in deps else 0)
            + (0.5 if _size(graph, actor) not in sizes else 0) - 2.0 * used)


Active = tuple[float, str, list[tuple[str, str]]]


def standing(graph: nx.MultiDiGraph, actor: str, focus: Focus,
             year: int) -> tuple[int, int | None, int | None]:
    """What breaks a tie between equally experienced actors, by meaning: how many of its
    relations in the focus still go on, the first year its sources cite there (longer
    experience), and the last (more recent).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("commune:a", kind="commune"); g.add_node("country:DE", kind="country")
    >>> _ = g.add_edge("commune:a", "country:DE", type="TWINNED_WITH", years=[1964, 2019])
    >>> standing(g, "commune:a", Focus(countries=["country:DE"]), 2026)
    (1, 1964, 2019)
    """
    edges = [d for _, d in focus_edges(graph, actor, focus)
             if relation_status(d, year) != Status.ENDED]
    years = [y for d in edges for y in cited_years(d)]
    return len(edges), min(years, default=None), max(years, default=None)


def _tie_order(graph: nx.MultiDiGraph, focus: Focus, year: int,
               active: list[Active]) -> list[Active]:
    """``active`` most experienced first; equal scores ordered by :func:`standing`, then
    by size (a larger collectivité can carry more), the key only when all of it is equal."""
    def key(entry: Active) -> tuple[float, int, int, int, int, str]:
        current, first, last = standing(graph, entry[1], focus, year)
        population = graph.nodes[entry[1]].get("population")
        return (-entry[0], -current, first if first is not None else 10_000, -(last or 0),
                -(population if isinstance(population, int) else 0), entry[1])
    return sorted(active, key=key)


def _assemble(graph: nx.MultiDiGraph, index: EvidenceIndex, focus: Focus, lead: Active,
              pool: list[Active], used: Counter[str], size: int,
              including: str | None = None) -> Consortium:
    lead_score, lead_key, lead_matched = lead
    chosen, deps, sizes = [lead_key], {_departement(graph, lead_key)}, {_size(graph, lead_key)}
    members: list[Member] = []
    rank = {a[1]: i for i, a in enumerate(pool)}  # the pool is in its tie order
    candidates = [a for a in pool if a[1] != lead_key]
    while candidates and len(members) < size:
        candidates.sort(key=lambda e: (e[1] != including, -_gain(
            graph, e[0], e[1], deps, sizes, used[e[1]]), rank[e[1]]))
        score, actor, matched = candidates.pop(0)
        chosen.append(actor)
        deps.add(_departement(graph, actor))
        sizes.add(_size(graph, actor))
        members.append(Member(actor, name(graph, actor), "membre", round(score, 3),
                              _reasons(graph, index, actor, matched, focus)))
    lead_member = Member(lead_key, name(graph, lead_key), "chef de file", round(lead_score, 3),
                         _reasons(graph, index, lead_key, lead_matched, focus))
    for member, shown in zip([lead_member, *members], names(graph, chosen), strict=True):
        member.name = shown  # homonyms (two Quinsac) told apart by their département
    named = sorted(name(graph, d) for d in deps if d)
    complementarity = [f"{count(len(named), 'département')} : " + ", ".join(named),
                       "profils : " + ", ".join(sorted(sizes))]
    total = lead_score + sum(m.experience for m in members) + len(deps) + len(sizes)
    return Consortium(lead_member, members, round(total, 3), complementarity,
                      fitting_funding(graph, focus, chosen))


def _overlap(a: Consortium, b: Consortium) -> float:
    x = {a.lead.actor, *(m.actor for m in a.members)}
    y = {b.lead.actor, *(m.actor for m in b.members)}
    return len(x & y) / min(len(x), len(y))


def build_consortia(graph: nx.MultiDiGraph, focus: Focus, top: int = 3, max_members: int = 4,
                    index: EvidenceIndex | None = None, year: int | None = None,
                    including: str | None = None) -> list[Consortium]:
    """Up to ``top`` consortia for a focus that differ in membership (no two share more
    than half their members), each led by an actor experienced *on the focus*; empty when
    fewer than two collectivités are active on it. Equal experience is told apart by
    :func:`standing` in ``year`` (this year by default), never by code. ``including``: an
    actor active on the focus that each consortium takes in (an actor's own report).

    >>> g = nx.MultiDiGraph()
    >>> for key, kd, dep in [("commune:a", "commune", "86"), ("commune:b", "commune", "79"),
    ...                      ("commune:c", "commune", "86"), ("country:BF", "country", None)]:
    ...     g.add_node(key, kind=kd, name=key[-1], departement=dep)
    >>> for actor, n in [("commune:a", 3), ("commune:b", 1), ("commune:c", 1)]:
    ...     for i in range(n):
    ...         _ = g.add_edge(actor, "country:BF", type="COOPERATES_WITH", source=f"{actor}{i}")
    >>> best = build_consortia(g, Focus(countries=["country:BF"]))[0]
    >>> best.lead.actor, [m.actor for m in best.members]
    ('commune:a', ['commune:b', 'commune:c'])
    """
    index = index or build_index(graph)
    active: list[Active] = []
    for actor in index.by_actor:
        if kind(graph, actor) not in COLLECTIVITE_KINDS:
            continue
        score, matched = experience(index, actor, focus)
        if matched:
            active.append((score, actor, matched))
    active = _tie_order(graph, focus, year or date.today().year, active)
    if len(active) < 2:
        return []
    # members per consortium: enough actors for ``top`` alternatives that differ
    size = max(2, min(max_members, len(active) // max(top, 1)))
    size = min(size, len(active) - 1)
    used: Counter[str] = Counter()
    leads: set[str] = set()
    results: list[Consortium] = []
    for lead in active:
        if len(results) >= top:
            break
        if lead[1] in leads:
            continue
        found = _assemble(graph, index, focus, lead, active, used, size, including)
        if any(_overlap(found, other) > 0.5 for other in results):
            continue
        results.append(found)
        leads.add(found.lead.actor)
        used.update([found.lead.actor, *(m.actor for m in found.members)])
    # stable: equal scores keep the order of their leads' experience
    results.sort(key=lambda c: -c.score)
    return results


def _reasons(graph: nx.MultiDiGraph, index: EvidenceIndex, actor: str,
             matched: list[tuple[str, str]], focus: Focus) -> list[Reason]:
    """Reasons drawn only from the actor's relations in the focus."""
    ev = index.by_actor[actor]
    countries = focus_countries(focus, graph)
    items = list(matched)
    # name the places: the foreign territories of the focus countries it works with
    for territory in sorted(ev.items["territory"]):
        if f"country:{graph.nodes[territory].get('country')}" in countries and (
                "territory", territory) not in items:
            items.append(("territory", territory))
    in_focus = focus_themes(graph, actor, focus)
    for theme in sorted(in_focus):
        if ("theme", theme) not in items and theme in graph:
            items.append(("theme", theme))
    reasons = []
    for ev_kind, item in items:
        # a theme the focus does not name is cited from the relations in the focus only
        cited = in_focus.get(item, set()) if ev_kind == "theme" and item not in focus.themes \
            else ev.items[ev_kind].get(item, set())
        sources = sorted(cited)
        text = explain_one(graph, actor, ev_kind, item)
        if ev_kind == "theme" and not set(focus.themes) & {item}:
            text += " (dans ce pays)" if countries else " (dans les mêmes actions)"
        reasons.append(Reason(ev_kind, item, text, 1.0 + len(sources), sources))
    if not countries:  # a theme or a programme: where the actor works on it
        places = focus_places(graph, actor, focus)
        if places:
            where = ", ".join(country_in(name(graph, c)) for c in places)
            there = sorted({s for found in places.values() for s in found})
            reasons.insert(1, Reason("country", next(iter(places)), "y agit " + where,
                                     1.0 + len(there), there))
    return reasons
