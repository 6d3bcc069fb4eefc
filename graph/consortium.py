"""Consortium builder: for a focus, a lead (chef de file) and 2 to 6 members, ranked,
with the funding schemes and partner organisations that fit. Pure functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.evidence import EvidenceIndex, build_index, kind
from graph.model import COLLECTIVITE_KINDS
from graph.opportunities import Reason, explain, name

WATER_THEME = "theme:eau-assainissement"
VOLUNTEERING_THEME = "theme:volontariat"
AGENCY = {"Adour-Garonne": "organisation:agence-eau-adour-garonne",
          "Loire-Bretagne": "organisation:agence-eau-loire-bretagne"}


@dataclass
class Focus:
    countries: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)

    def items(self) -> list[tuple[str, str]]:
        return ([("country", c) for c in self.countries] +
                [("territory", t) for t in self.territories] +
                [("theme", t) for t in self.themes] + [("partner", p) for p in self.programmes])

    def label(self, graph: nx.MultiDiGraph) -> str:
        return ", ".join(name(graph, k) for _, k in self.items())


@dataclass
class Member:
    actor: str
    name: str
    role: str  # chef de file, membre
    experience: float
    reasons: list[Reason]


@dataclass
class Funding:
    key: str
    name: str
    why: str


@dataclass
class Consortium:
    lead: Member
    members: list[Member]
    score: float
    complementarity: list[str]
    funding: list[Funding]


def expand_odd(graph: nx.MultiDiGraph, odd: str) -> list[str]:
    """Themes that address an ODD (the theme → ODD map of the vocabulary)."""
    return sorted(src for src, _, d in graph.in_edges(odd, data=True)
                  if d.get("type") == "ADDRESSES" and kind(graph, src) == "theme")


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


def _basin(graph: nx.MultiDiGraph, actor: str) -> set[str]:
    data = graph.nodes[actor]
    if data.get("basin"):
        return {str(data["basin"])}
    # An EPCI, département or région: the basins of its communes.
    basins: Counter[str] = Counter()
    for src, _, d in graph.in_edges(actor, data=True):
        if d.get("type") in ("MEMBER_OF", "LOCATED_IN") and graph.nodes[src].get("basin"):
            basins[str(graph.nodes[src]["basin"])] += 1
    return set(basins)


def fitting_funding(graph: nx.MultiDiGraph, focus: Focus, members: list[str]) -> list[Funding]:
    """Funding schemes and partner organisations that fit the focus and the members."""
    out: list[Funding] = []

    def add(key: str, why: str) -> None:
        if key in graph and all(f.key != key for f in out):
            out.append(Funding(key, name(graph, key), why))

    countries = set(focus.countries) | {
        "country:" + t.split(":")[1][:2].upper() for t in focus.territories}
    for country in sorted(countries):
        calls = [src for src, _, d in graph.in_edges(country, data=True)
                 if d.get("type") == "TAKES_PLACE_IN" and kind(graph, src) == "programme"]
        for call in calls:
            add(call, f"appel géographique ouvert pour {name(graph, country)}")
    add("programme:aap-dctciv", "appels à projets du MEAE pour les collectivités (généralistes, "
        "géographiques, thématiques)")
    water = WATER_THEME in focus.themes or any(
        WATER_THEME in _themes(graph, m) for m in members)
    if water:
        for member in members:
            for basin in sorted(_basin(graph, member)):
                add(AGENCY.get(basin, ""), f"projet eau : bassin {basin}")
        add("programme:un-pour-cent-solidaire",
            "loi Oudin-Santini : jusqu'à 1 % des budgets eau et assainissement")
        add("organisation:ps-eau", "accompagnement du 1 % solidaire")
        add("programme:eau-solidarites-internationales", "appel commun des agences de l'eau")
    if VOLUNTEERING_THEME in focus.themes or any(
            VOLUNTEERING_THEME in _themes(graph, m) for m in members):
        add("organisation:france-volontaires", "volontariat : France Volontaires")
        add("programme:volontariat", "postes de volontaires dans les coopérations")
    add("programme:ficol", "projets plus importants : facilité FICOL de l'AFD")
    add("organisation:cuf", "groupes-pays de Cités Unies France")
    return out


def _themes(graph: nx.MultiDiGraph, actor: str) -> set[str]:
    return {t for _, t, d in graph.out_edges(actor, data=True) if d.get("type") == "ADDRESSES"}


def _size(graph: nx.MultiDiGraph, actor: str) -> str:
    k = kind(graph, actor)
    if k != "commune":
        return k
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
          sizes: set[str]) -> float:
    return (score + (0.75 if _departement(graph, actor) not in deps else 0)
            + (0.5 if _size(graph, actor) not in sizes else 0))


def build_consortia(graph: nx.MultiDiGraph, focus: Focus, top: int = 3, max_members: int = 6,
                    index: EvidenceIndex | None = None) -> list[Consortium]:
    """Ranked consortia for a focus; empty when fewer than two actors are active on it.

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
    active = []
    for actor in index.by_actor:
        if kind(graph, actor) not in COLLECTIVITE_KINDS:
            continue
        score, matched = experience(index, actor, focus)
        if matched:
            active.append((score, actor, matched))
    active.sort(key=lambda x: (-x[0], x[1]))
    if len(active) < 2:
        return []
    results: list[Consortium] = []
    for lead_score, lead, lead_matched in active[:top]:
        chosen = [lead]
        deps = {_departement(graph, lead)}
        sizes = {_size(graph, lead)}
        pool = [a for a in active if a[1] != lead]
        members: list[Member] = []
        while pool and len(members) < max_members:
            # Experience first, then what the member adds: a new département, a new size.
            pool.sort(key=lambda e: (-_gain(graph, e[0], e[1], deps, sizes), e[1]))
            score, actor, matched = pool.pop(0)
            chosen.append(actor)
            deps.add(_departement(graph, actor))
            sizes.add(_size(graph, actor))
            members.append(Member(actor, name(graph, actor), "membre", round(score, 3),
                                  _reasons(graph, index, actor, matched)))
        if len(members) < 2 and len(active) >= 3:
            continue
        lead_member = Member(lead, name(graph, lead), "chef de file", round(lead_score, 3),
                             _reasons(graph, index, lead, lead_matched))
        complementarity = [f"{len([d for d in deps if d])} département(s) : " + ", ".join(
            sorted(name(graph, d) for d in deps if d)),
            "profils : " + ", ".join(sorted(sizes))]
        total = lead_score + sum(m.experience for m in members) + len(deps) + len(sizes)
        results.append(Consortium(lead_member, members, round(total, 3), complementarity,
                                  fitting_funding(graph, focus, chosen)))
    results.sort(key=lambda c: -c.score)
    return results


def _reasons(graph: nx.MultiDiGraph, index: EvidenceIndex, actor: str,
             matched: list[tuple[str, str]]) -> list[Reason]:
    ev = index.by_actor[actor]
    countries = {item for k, item in matched if k == "country"}
    # Name the places: the foreign territories of the focus countries it works with.
    for territory in sorted(ev.items["territory"]):
        country = graph.nodes[territory].get("country")
        if f"country:{country}" in countries and ("territory", territory) not in matched:
            matched = [*matched, ("territory", territory)]
    for theme in sorted(ev.items["theme"]):
        if ("theme", theme) not in matched:
            matched = [*matched, ("theme", theme)]
    reasons = []
    for ev_kind, item in matched:
        sources = sorted(ev.items[ev_kind].get(item, set()))
        text = explain(graph, ev_kind, item, plural=False).replace("agissent", "agit").replace(
            "coopèrent", "coopère").replace("travaillent", "travaille").replace("sont liés",
                                                                                  "est lié")
        reasons.append(Reason(ev_kind, item, text, 1.0 + len(sources), sources))
    return reasons
