"""Partnership gaps: named rules, each with a French explanation and the items it finds.
Pure functions of the projection."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.evidence import COLLECTIVITES, EvidenceIndex, build_index, kind
from graph.opportunities import name

LARGE_COMMUNE = 10_000
STALE_YEARS = 10


@dataclass
class Gap:
    rule: str
    title: str
    explanation: str
    items: list[dict[str, Any]] = field(default_factory=list)


def _engaged(graph: nx.MultiDiGraph, index: EvidenceIndex) -> set[str]:
    return {a for a in index.by_actor if kind(graph, a) in COLLECTIVITES}


def white_zones(graph: nx.MultiDiGraph, index: EvidenceIndex) -> Gap:
    """Départements and EPCI with no collectivité known to act internationally, and large
    communes with no known action, ranked by population."""
    engaged = _engaged(graph, index)
    covered: set[str] = set(engaged)
    for actor in engaged:
        for _, target, d in graph.out_edges(actor, data=True):
            if d.get("type") in ("MEMBER_OF", "LOCATED_IN") and kind(graph, target) in COLLECTIVITES:
                covered.add(target)
                for _, up, d2 in graph.out_edges(target, data=True):
                    if d2.get("type") == "LOCATED_IN" and kind(graph, up) == "departement":
                        covered.add(up)
    items = []
    for key, data in graph.nodes(data=True):
        k = data.get("kind")
        large = k == "commune" and (data.get("population") or 0) >= LARGE_COMMUNE
        if (k in ("departement", "epci") or large) and key not in covered:
            items.append({"key": key, "name": data.get("name"), "kind": k,
                          "population": data.get("population") or 0})
    items.sort(key=lambda i: (-i["population"], i["key"]))
    return Gap("zones-blanches", "Zones blanches de l'action internationale",
               "Départements, EPCI et communes de plus de 10 000 habitants sans collectivité "
               "connue pour agir à l'international : des cibles de prospection, classées par "
               "population.", items)


def separate_actors(graph: nx.MultiDiGraph, index: EvidenceIndex) -> Gap:
    """Countries or foreign territories where several actors act with no shared project."""
    items = []
    for ev_kind in ("territory", "country"):
        for (k, item), holders in index.holders.items():
            if k != ev_kind:
                continue
            actors = sorted(h for h in holders if kind(graph, h) in COLLECTIVITES)
            if len(actors) < 2:
                continue
            projects = [index.by_actor[a].projects for a in actors]
            shared = any(p & q for i, p in enumerate(projects) for q in projects[i + 1:])
            if not shared:
                items.append({"key": item, "name": name(graph, item), "kind": ev_kind,
                              "actors": [{"key": a, "name": name(graph, a)} for a in actors]})
    # The same foreign town first (the most concrete seed), then countries.
    items.sort(key=lambda i: (i["kind"] != "territory", -len(i["actors"]), i["key"]))
    return Gap("acteurs-disperses", "Plusieurs acteurs, aucun projet commun",
               "Pays ou collectivités étrangères où plusieurs acteurs de Nouvelle-Aquitaine "
               "agissent chacun de leur côté : des graines de consortium.", items)


def water_without_agency(graph: nx.MultiDiGraph, index: EvidenceIndex) -> Gap:
    """Water and sanitation actions whose actor has no link to its basin's Agence de l'eau
    or to the 1 % scheme."""
    items = []
    scheme = {"programme:un-pour-cent-solidaire", "organisation:agence-eau-adour-garonne",
              "organisation:agence-eau-loire-bretagne", "organisation:ps-eau",
              "programme:eau-solidarites-internationales"}
    for actor, ev in index.by_actor.items():
        if kind(graph, actor) not in COLLECTIVITES or "theme:eau-assainissement" not in ev.items["theme"]:
            continue
        if scheme & set(ev.items["partner"]):
            continue
        basin = graph.nodes[actor].get("basin")
        items.append({"key": actor, "name": name(graph, actor), "basin": basin,
                      "sources": sorted(ev.items["theme"]["theme:eau-assainissement"])})
    items.sort(key=lambda i: i["key"])
    return Gap("eau-sans-agence", "Actions eau sans agence de l'eau ni 1 %",
               "Collectivités qui agissent sur l'eau et l'assainissement sans lien connu avec "
               "l'agence de l'eau de leur bassin ni avec le 1 % solidaire (loi Oudin-Santini).",
               items)


def partner_coverage(graph: nx.MultiDiGraph, index: EvidenceIndex, threshold: int = 0) -> Gap:
    """Network partner organisations with no (or few) links in a département."""
    departements = sorted(k for k, d in graph.nodes(data=True) if d.get("kind") == "departement")
    items = []
    for org, data in graph.nodes(data=True):
        # The network's partners, not other regions' RRMA nor partners known only by name.
        if data.get("kind") != "organisation" or data.get("category") in (
                None, "non précisée", "rrma", "collectivite"):
            continue
        per_dep: dict[str, int] = defaultdict(int)
        for actor in index.holders.get(("partner", org), set()):
            for dep in index.by_actor[actor].items["departement"]:
                per_dep[dep] += 1
        missing = [d for d in departements if per_dep.get(d, 0) <= threshold]
        if missing and len(missing) < len(departements) + 1:
            items.append({"key": org, "name": data.get("name"), "links": sum(per_dep.values()),
                          "departements": [{"key": d, "name": name(graph, d)} for d in missing]})
    items.sort(key=lambda i: (i["links"], i["key"]))
    return Gap("partenaires-absents", "Partenaires du réseau absents d'un département",
               "Organisations partenaires sans lien connu avec les collectivités d'un "
               "département.", items)


def odd_unaddressed(graph: nx.MultiDiGraph, index: EvidenceIndex) -> Gap:
    addressed: set[str] = set()
    for key, data in graph.nodes(data=True):
        if data.get("kind") != "project":
            continue
        for _, theme, d in graph.out_edges(key, data=True):
            if d.get("type") != "ADDRESSES":
                continue
            if kind(graph, theme) == "odd":
                addressed.add(theme)
            for _, odd, d2 in graph.out_edges(theme, data=True):
                if d2.get("type") == "ADDRESSES" and kind(graph, odd) == "odd":
                    addressed.add(odd)
    items = [{"key": k, "name": d.get("name")} for k, d in graph.nodes(data=True)
             if d.get("kind") == "odd" and k not in addressed]
    items.sort(key=lambda i: int(i["key"].split(":")[1]))
    return Gap("odd-non-traites", "ODD qu'aucun projet ne traite",
               "Objectifs de développement durable qu'aucun projet connu n'adresse.", items)


def stale_relations(graph: nx.MultiDiGraph, index: EvidenceIndex, year: int) -> Gap:
    items = []
    for u, v, key, d in graph.edges(keys=True, data=True):
        years = d.get("years")
        if not isinstance(years, list) or not years or kind(graph, u) not in COLLECTIVITES:
            continue
        last = max(int(y) for y in years)
        if year - last >= STALE_YEARS:
            items.append({"key": key, "actor": u, "actor_name": name(graph, u), "partner": v,
                          "partner_name": name(graph, v), "type": d.get("type"),
                          "last_year": last, "source": d.get("source")})
    items.sort(key=lambda i: (i["last_year"], i["key"]))
    return Gap("relations-anciennes", "Relations sans activité déclarée depuis 10 ans",
               f"Relations dont la dernière année citée remonte à {STALE_YEARS} ans ou plus : "
               "à vérifier ou à relancer.", items)


def data_quality(graph: nx.MultiDiGraph, index: EvidenceIndex,
                 unresolved: list[dict[str, Any]] | None = None) -> Gap:
    items: list[dict[str, Any]] = [{"problem": "fait non résolu", **u} for u in unresolved or []]
    for key, d in graph.nodes(data=True):
        k = d.get("kind")
        if k in COLLECTIVITES and not (d.get("insee") or d.get("siren")):
            items.append({"problem": "collectivité sans code", "key": key, "name": d.get("name")})
        if k == "project":
            out = {kind(graph, t) for _, t, _ in graph.out_edges(key, data=True)}
            if not out & {"country", "territory"}:
                items.append({"problem": "projet sans pays", "key": key, "name": d.get("name")})
            if "theme" not in out and "odd" not in out:
                items.append({"problem": "projet sans thème", "key": key, "name": d.get("name")})
    return Gap("qualite-donnees", "Qualité des données",
               "Faits non résolus, acteurs sans code officiel, projets sans pays ou sans thème.",
               items)


RULES: dict[str, Callable[..., Gap]] = {
    "zones-blanches": white_zones, "acteurs-disperses": separate_actors,
    "eau-sans-agence": water_without_agency, "partenaires-absents": partner_coverage,
    "odd-non-traites": odd_unaddressed, "relations-anciennes": stale_relations,
    "qualite-donnees": data_quality,
}


def scan(graph: nx.MultiDiGraph, year: int, unresolved: list[dict[str, Any]] | None = None,
         rules: list[str] | None = None, index: EvidenceIndex | None = None) -> list[Gap]:
    """Run the gap rules (all by default)."""
    index = index or build_index(graph)
    out = []
    for rule in rules or list(RULES):
        fn = RULES[rule]
        if rule == "relations-anciennes":
            out.append(fn(graph, index, year))
        elif rule == "qualite-donnees":
            out.append(fn(graph, index, unresolved))
        else:
            out.append(fn(graph, index))
    return out
