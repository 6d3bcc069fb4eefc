"""Funding schemes and partners that fit a consortium, each by an explicit, sourced rule
(water agencies by basin, the 1 % Oudin-Santini, volunteering, FICOL, DCTCIV calls)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from graph.evidence import kind
from graph.focus import Focus, focus_countries, focus_edges, focus_themes
from graph.labels import country_in
from graph.model import COLLECTIVITE_KINDS
from graph.wording import name, names

WATER_THEME = "theme:eau-assainissement"
VOLUNTEERING_THEME = "theme:volontariat"
AGENCY = {"Adour-Garonne": "organisation:agence-eau-adour-garonne",
          "Loire-Bretagne": "organisation:agence-eau-loire-bretagne"}


@dataclass
class Funding:
    key: str
    name: str
    why: str


#: A member this large can carry an AFD FICOL project (Maillage's rule of thumb: the one
#: FICOL project in the data, La Rochelle–Kendari, is an agglomération's, 935 100 €).
FICOL_POPULATION = 50_000


def basins(graph: nx.MultiDiGraph, actor: str) -> list[str]:
    """The water basins of a collectivité: its own, or those of its communes (of its
    départements' communes for a région), most communes first.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("departement:16", kind="departement")
    >>> for i, b in enumerate(["Adour-Garonne", "Adour-Garonne", "Loire-Bretagne"]):
    ...     g.add_node(f"commune:{i}", kind="commune", basin=b)
    ...     _ = g.add_edge(f"commune:{i}", "departement:16", type="LOCATED_IN")
    >>> basins(g, "departement:16"), basins(g, "commune:2")
    (['Adour-Garonne', 'Loire-Bretagne'], ['Loire-Bretagne'])
    """
    if graph.nodes[actor].get("basin"):
        return [str(graph.nodes[actor]["basin"])]
    counts: Counter[str] = Counter()
    level, seen = [actor], {actor}
    for _ in range(2):  # a département's or an EPCI's communes; a région's départements'
        level = [src for key in level for src, _, d in graph.in_edges(key, data=True)
                 if d.get("type") in ("MEMBER_OF", "LOCATED_IN") and src not in seen
                 and kind(graph, src) in COLLECTIVITE_KINDS]
        seen.update(level)
        counts.update(str(graph.nodes[k]["basin"]) for k in level if graph.nodes[k].get("basin"))
        if counts:
            break
    return sorted(counts, key=lambda b: (-counts[b], b))


def fitting_funding(graph: nx.MultiDiGraph, focus: Focus, members: list[str]) -> list[Funding]:
    """Funding schemes and partners that fit, each by an explicit rule:

    - a geographic call of a programme that takes place in a focus country;
    - the DCTCIV calls (MEAE), open to every collectivité;
    - water and sanitation (the focus theme, or the members' relations in the focus): the
      Agence de l'eau of each member's *own* basin, the 1 % Oudin-Santini, pS-Eau, the
      agencies' joint call;
    - volunteering (the focus theme, or volunteering relations in the focus): France
      Volontaires and the volunteering schemes;
    - a member large enough (région, département, intercommunalité, or a commune of more
      than 50 000 inhabitants): the AFD FICOL facility;
    - Cités Unies France's country groups, when the focus is a country.
    """
    out: list[Funding] = []

    def add(key: str | None, why: str) -> None:
        if key and key in graph and all(f.key != key for f in out):
            out.append(Funding(key, name(graph, key), why))

    countries = focus_countries(focus, graph)
    for country in sorted(countries):
        for call in sorted(src for src, _, d in graph.in_edges(country, data=True)
                           if d.get("type") == "TAKES_PLACE_IN"
                           and kind(graph, src) == "programme"):
            add(call, f"appel géographique ouvert aux projets {country_in(name(graph, country))}")
    add("programme:aap-dctciv", "appels à projets du MEAE pour les collectivités "
        "(généralistes, géographiques, thématiques)")
    themes = set(focus.themes) | {t for m in members for t in focus_themes(graph, m, focus)}
    if WATER_THEME in themes:
        # each member's own basin, with the members it holds (« bassin X de Y » read
        # « de Angoulême » and named only the first of them)
        in_basin: dict[str, list[str]] = {}
        for member in members:
            for basin in basins(graph, member):
                in_basin.setdefault(basin, []).append(member)
        for basin, held in in_basin.items():
            add(AGENCY.get(basin),
                f"projet eau dans le bassin {basin} : {', '.join(names(graph, held))}")
        add("programme:un-pour-cent-solidaire",
            "loi Oudin-Santini : jusqu'à 1 % des budgets eau et assainissement")
        add("organisation:ps-eau", "accompagnement du 1 % solidaire")
        add("programme:eau-solidarites-internationales", "appel commun des agences de l'eau")
    volunteering = VOLUNTEERING_THEME in themes or any(
        d.get("type") == "VOLUNTEERS_WITH" for m in members
        for _, d in focus_edges(graph, m, focus))
    if volunteering:
        add("organisation:france-volontaires", "volontariat : France Volontaires")
        add("programme:volontariat", "postes de volontaires dans les coopérations")
    large = [m for m in members if kind(graph, m) in ("region", "departement", "epci") or int(
        graph.nodes[m].get("population") or 0) > FICOL_POPULATION]
    if large:
        add("programme:ficol", f"projet d'envergure porté avec {name(graph, large[0])} : "
            "facilité FICOL de l'AFD")
    if countries:
        add("organisation:cuf", "groupes-pays de Cités Unies France")
    return out
