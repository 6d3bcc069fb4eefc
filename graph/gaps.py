"""Partnership gaps: named rules, each a function ``(GapContext) -> Gap`` with a French
explanation and typed items. Pure functions of the projection.

To add a rule: write the function here and register it in :data:`RULES`; the CLI, the
API and the reports pick it up (an item's ``detail`` and ``advice`` are what they show).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import networkx as nx

from graph.evidence import Evidence, EvidenceIndex, kind
from graph.funding import AGENCY, basins
from graph.gap_model import Gap, GapContext, GapItem, Named, Unresolved
from graph.labels import country_in
from graph.model import COLLECTIVITE_KINDS, FOREIGN_KINDS, NodeKind, RelType
from graph.status import Status, pair_statuses
from graph.wording import count, name, names

LARGE_COMMUNE = 10_000
STALE_YEARS = 10
WATER_THEME = "theme:eau-assainissement"
#: What ties a water action to its basin's funding: the agencies, the 1 %, pS-Eau.
WATER_SCHEME = frozenset({"programme:un-pour-cent-solidaire",
                          "organisation:agence-eau-adour-garonne",
                          "organisation:agence-eau-loire-bretagne", "organisation:ps-eau",
                          "programme:eau-solidarites-internationales"})


def _engaged(ctx: GapContext) -> set[str]:
    return {a for a in ctx.index.by_actor if kind(ctx.graph, a) in COLLECTIVITE_KINDS}


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def white_zones(ctx: GapContext) -> Gap:
    """Départements and EPCI with no collectivité known to act internationally, and large
    communes with no known action, ranked by population."""
    graph = ctx.graph
    covered: set[str] = set(_engaged(ctx))
    for actor in sorted(covered):
        for _, target, d in graph.out_edges(actor, data=True):
            if d.get("type") in (RelType.MEMBER_OF, RelType.LOCATED_IN) and \
                    kind(graph, target) in COLLECTIVITE_KINDS:
                covered.add(target)
                for _, up, d2 in graph.out_edges(target, data=True):
                    if d2.get("type") == RelType.LOCATED_IN and \
                            kind(graph, up) == NodeKind.DEPARTEMENT:
                        covered.add(up)
    items = []
    for key, data in graph.nodes(data=True):
        k = data.get("kind")
        population = int(data.get("population") or 0)
        large = k == NodeKind.COMMUNE and population >= LARGE_COMMUNE
        if (k in (NodeKind.DEPARTEMENT, NodeKind.EPCI) or large) and key not in covered \
                and ctx.home(key):
            items.append(GapItem(key, str(data.get("name")), kind=str(k), population=population,
                                 detail=f"{_thousands(population)} hab.",
                                 advice="Aucune action internationale connue : première prise "
                                        "de contact à prévoir."))
    items.sort(key=lambda i: (-(i.population or 0), i.key))
    return Gap("zones-blanches", "Zones blanches de l'action internationale",
               "Départements, EPCI et communes de plus de 10 000 habitants sans action "
               "internationale connue dans les données de Maillage (ce qui ne prouve pas "
               "l'absence d'action sur le terrain) : des cibles de prospection, classées par "
               "population.", items)


def separate_actors(ctx: GapContext) -> Gap:
    """Countries or foreign territories where several actors act with no shared project."""
    graph, index = ctx.graph, ctx.index
    items = []
    for (k, item), holders in sorted(index.holders.items()):
        if k not in FOREIGN_KINDS:
            continue
        actors = sorted(h for h in holders if kind(graph, h) in COLLECTIVITE_KINDS)
        if len(actors) < 2:
            continue
        if groups(index, actors, graph) < 2:
            continue
        named = [Named(a, n) for a, n in zip(actors, names(graph, actors), strict=True)]
        who = ", ".join(n.name for n in named[:4]) + (" …" if len(named) > 4 else "")
        items.append(GapItem(item, name(graph, item), kind=k, actors=named,
                             detail=", ".join(n.name for n in named),
                             advice=f"Réunir {who}, qui agissent {country_in(name(graph, item))}"
                                    " (groupe pays, projet commun)." if k == "country" else
                                    f"Réunir {who} autour de leur partenaire commun "
                                    f"{name(graph, item)} (projet commun)."))
    # The same foreign town first (the most concrete seed), then countries.
    items.sort(key=lambda i: (i.kind != NodeKind.TERRITORY, -len(i.actors), i.key))
    return Gap("acteurs-disperses", "Plusieurs acteurs, aucun projet commun",
               "Pays ou collectivités étrangères où plusieurs collectivités agissent chacune de "
               "leur côté, sans projet commun ni accord conjoint connu dans les données : des "
               "graines de consortium.", items)


def groups(index: EvidenceIndex, actors: list[str], graph: nx.MultiDiGraph | None = None
           ) -> int:
    """How many separate groups the actors form, two being together when they share a
    project or a joint agreement, or when one is the other's EPCI (with ``graph``): a
    commune and its own intercommunalité are not two sides to bring together.

    >>> from graph.evidence import Evidence
    >>> a, b, c = Evidence("a", projects={"p"}), Evidence("b", projects={"p"}), Evidence("c")
    >>> groups(EvidenceIndex({"a": a, "b": b, "c": c}, {}), ["a", "b", "c"])
    2
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("commune:33063", "epci:243300316", type="MEMBER_OF")
    >>> bordeaux, metropole = Evidence("commune:33063"), Evidence("epci:243300316")
    >>> groups(EvidenceIndex({"commune:33063": bordeaux, "epci:243300316": metropole}, {}),
    ...        ["commune:33063", "epci:243300316"], g)
    1
    """
    together = nx.Graph()
    together.add_nodes_from(actors)
    for i, a in enumerate(actors):
        for b in actors[i + 1:]:
            ev_a, ev_b = index.by_actor[a], index.by_actor[b]
            if ev_a.projects & ev_b.projects or b in ev_a.allies or a in ev_b.allies or (
                    graph is not None and (_in_epci(graph, a, b) or _in_epci(graph, b, a))):
                together.add_edge(a, b)
    return int(nx.number_connected_components(together))


def _in_epci(graph: nx.MultiDiGraph, commune: str, epci: str) -> bool:
    return epci.startswith("epci:") and any(
        d.get("type") == "MEMBER_OF" for d in graph.get_edge_data(commune, epci, default={}).values())


def water_without_agency(ctx: GapContext) -> Gap:
    """Water and sanitation actions whose actor has no link to its basin's Agence de l'eau
    or to the 1 % scheme."""
    graph = ctx.graph
    items = []
    for actor, ev in sorted(ctx.index.by_actor.items()):
        if kind(graph, actor) not in COLLECTIVITE_KINDS or WATER_THEME not in ev.items["theme"]:
            continue
        if WATER_SCHEME & set(ev.items["partner"]) or _scheme_via_ally(ctx.index, ev):
            continue
        found = basins(graph, actor)
        own = graph.nodes[actor].get("basin") or not found
        where = "" if own else " (d'après ses communes)"
        detail = (("bassins " if len(found) > 1 else "bassin ") + " et ".join(found) + where
                  if found else "bassin inconnu : ni le sien ni celui de ses communes dans "
                                "les données de Maillage")
        advice = ("Action eau : prendre contact avec "
                  + (" et ".join(f"l'Agence de l'eau {b}" for b in found) if found
                     else "l'Agence de l'eau du bassin")
                  + " et étudier le 1 % solidaire (loi Oudin-Santini) avec le pS-Eau.")
        sources = sorted(ev.items["theme"][WATER_THEME])
        # the EPCI usually holds the water competence, and with it the agency and the 1 %
        epcis = sorted(e for e in ev.items["epci"] if e in ctx.index.by_actor
                       and WATER_SCHEME & set(ctx.index.by_actor[e].items["partner"]))
        if epcis:
            said = ", ".join(names(graph, epcis))
            detail += f" ; son EPCI, {said}, y est lié"
            advice = (f"Action eau : son EPCI, {said}, qui porte en général la compétence "
                      "eau de la commune, est lié à l'agence de l'eau ou au 1 % solidaire : "
                      "voir avec lui si cette action en relève, sinon la lui proposer.")
            sources += sorted({s for e in epcis for p in WATER_SCHEME
                               for s in ctx.index.by_actor[e].items["partner"].get(p, ())})
        items.append(GapItem(actor, name(graph, actor), basin=found[0] if found else None,
                             detail=detail, sources=sources, advice=advice))
    limit = "" if any(i.basin for i in items) or not items else (
        " Le bassin de chaque commune n'est connu de Maillage que pour la Nouvelle-Aquitaine "
        "(extrait Sandre fourni) : l'agence de chaque collectivité reste à vérifier.")
    return Gap("eau-sans-agence", "Actions eau sans agence de l'eau ni 1 %",
               "Collectivités qui agissent sur l'eau et l'assainissement sans lien connu avec "
               "l'agence de l'eau de leur bassin ni avec le 1 % solidaire (loi Oudin-Santini), "
               "ni par un cosignataire de la même action (même source) ; une commune dont "
               "l'EPCI y est lié le dit."
               + limit, items, themes=(WATER_THEME,))


def _scheme_via_ally(index: EvidenceIndex, ev: Evidence) -> bool:
    """Whether a co-signatory of the actor's water action has the agency or the 1 % in it:
    the same source names both (a pS-Eau sheet listing the two communes and the agency)."""
    water = ev.items["theme"].get(WATER_THEME, set())
    for ally in ev.allies:
        other = index.by_actor.get(ally)
        if other is not None and any(water & other.items["partner"].get(p, set())
                                     for p in WATER_SCHEME):
            return True
    return False


def partner_coverage(ctx: GapContext) -> Gap:
    """Network partners present in some départements and absent from others where they
    could act: a water agency only within its basin; a partner with no link anywhere is not
    listed (its absence everywhere says nothing about one département)."""
    graph, index = ctx.graph, ctx.index
    departements = sorted(k for k, d in graph.nodes(data=True)
                          if d.get("kind") == NodeKind.DEPARTEMENT and ctx.home(k))
    found: list[tuple[int, GapItem]] = []
    for org, data in graph.nodes(data=True):
        # The network's partners, not other regions' RRMA nor partners known only by name.
        if data.get("kind") != NodeKind.ORGANISATION or data.get("category") in (
                None, "non précisée", "rrma", "collectivite"):
            continue
        per_dep: dict[str, int] = defaultdict(int)
        for actor in index.holders.get(("partner", org), set()):
            for dep in index.by_actor[actor].items["departement"]:
                per_dep[dep] += 1
        if not per_dep:
            continue
        scope = departements
        basin = next((b for b, key in AGENCY.items() if key == org), None)
        if basin:
            scope = [d for d in departements if basin in basins(graph, d)]
        missing = [Named(d, name(graph, d)) for d in scope if not per_dep.get(d)]
        if missing:
            links = sum(per_dep.values())
            found.append((links, GapItem(
                org, str(data.get("name")), departements=missing,
                detail=f"{count(links, 'lien connu', 'liens connus')} ; aucun dans "
                       f"{count(len(missing), 'département')}"
                       + (f" du bassin {basin}" if basin else ""),
                advice=f"Présenter {data.get('name')} aux collectivités de "
                       + ", ".join(m.name for m in missing[:3])
                       + (" …" if len(missing) > 3 else "") + ".")))
    found.sort(key=lambda f: (f[0], f[1].key))
    return Gap("partenaires-absents", "Partenaires du réseau absents d'un département",
               "Organisations partenaires liées à des collectivités de certains départements "
               "et à aucune (dans les données de Maillage) dans d'autres où elles pourraient "
               "agir ; une agence de l'eau n'est attendue que dans son bassin.",
               [item for _, item in found])


def odd_unaddressed(ctx: GapContext) -> Gap:
    """ODD that no known project addresses (directly or through one of its themes); those
    that no theme of Maillage's vocabulary maps to are « non suivis », not « non traités »."""
    graph = ctx.graph
    addressed: set[str] = set()
    # the home network's projects: another région's project says nothing of this one
    network = None if ctx.region is None else set().union(
        *(ev.projects for ev in ctx.index.by_actor.values()))
    mapped = {odd for t, odd, d in graph.edges(data=True)
              if d.get("type") == RelType.ADDRESSES and kind(graph, t) == NodeKind.THEME
              and kind(graph, odd) == NodeKind.ODD}
    for key, data in graph.nodes(data=True):
        if data.get("kind") != NodeKind.PROJECT or (network is not None and key not in network):
            continue
        for _, theme, d in graph.out_edges(key, data=True):
            if d.get("type") != RelType.ADDRESSES:
                continue
            if kind(graph, theme) == NodeKind.ODD:
                addressed.add(theme)
            for _, odd, d2 in graph.out_edges(theme, data=True):
                if d2.get("type") == RelType.ADDRESSES and kind(graph, odd) == NodeKind.ODD:
                    addressed.add(odd)
    items = []
    odds = [k for k, d in graph.nodes(data=True) if d.get("kind") == NodeKind.ODD]
    for k in odds:
        if k in addressed:
            continue
        followed = k in mapped
        items.append(GapItem(
            k, name(graph, k), problem=None if followed else "non suivi",
            detail="aucun projet connu" if followed else
            "non suivi : aucun thème du vocabulaire de Maillage ne s'y rattache",
            advice="Repérer des projets du réseau sur cet objectif." if followed else
            "Rattacher des thèmes à cet objectif pour pouvoir le suivre."))
    items.sort(key=lambda i: int(i.key.split(":")[1]))
    return Gap("odd-non-traites", "ODD qu'aucun projet connu ne traite",
               f"Objectifs de développement durable qu'aucun projet connu des collectivités "
               f"de la région n'adresse ; "
               f"{len(mapped)} ODD sur {len(odds)} sont suivis par les thèmes de Maillage "
               "(les autres sont marqués « non suivis » : l'absence n'y dit rien).", items)


def stale_relations(ctx: GapContext) -> Gap:
    """Actor–partner pairs with no activity attested for ``STALE_YEARS`` years or more,
    and pairs whose source states an end. A pair is judged on all its relations: a 1990
    twinning renewed by a 2025 agreement is active and is not listed."""
    graph = ctx.graph
    items = []
    for pair in pair_statuses(graph, ctx.year):
        if not ctx.home(pair.actor):
            continue  # another région's relations are its network's to follow
        partner = name(graph, pair.partner)
        if pair.status == Status.ENDED and pair.ended_in is not None:
            detail = f"→ {partner} (arrêtée en {pair.ended_in}, selon la source)"
            advice = (f"Relation avec {partner} arrêtée en {pair.ended_in} : demander à la "
                      "collectivité si une reprise est souhaitée.")
        elif pair.status == Status.UNKNOWN and pair.last_year is not None and \
                ctx.year - pair.last_year >= STALE_YEARS:
            detail = f"→ {partner} (dernière année citée : {pair.last_year})"
            advice = (f"Relancer la relation avec {partner} (dernière année citée : "
                      f"{pair.last_year}) ou vérifier qu'elle vit encore.")
        else:
            continue
        items.append(GapItem(pair.relation, name(graph, pair.actor), detail=detail,
                             advice=advice, actor=pair.actor,
                             kind=str(graph.nodes[pair.partner].get("kind")),
                             last_year=pair.last_year,
                             sources=[pair.source] if pair.source else []))
    items.sort(key=lambda i: (i.last_year or 0, i.key))
    return Gap("relations-anciennes", "Relations sans activité déclarée depuis 10 ans ou "
               "arrêtées",
               f"Paires collectivité–partenaire dont la dernière année citée, toutes relations "
               f"confondues, remonte à {STALE_YEARS} ans ou plus, et relations dont la source "
               "dit la fin : à vérifier ou à relancer.", items)


def data_quality(ctx: GapContext) -> Gap:
    """Unresolved facts, collectivités without an official code, projects without a
    country or a theme."""
    graph = ctx.graph
    items = [GapItem(u.key, u.name, problem="fait non résolu", sources=[u.file],
                     detail=f"fait non résolu : {u.reason} ({u.file}, ligne(s) "
                            f"{', '.join(map(str, u.lines))})",
                     advice="Arbitrer dans maillage review.")
             for u in ctx.unresolved]

    def add(problem: str, key: str, data: dict[str, Any]) -> None:
        items.append(GapItem(key, str(data.get("name")), problem=problem, detail=problem,
                             advice=f"Compléter la fiche : {problem}."))

    for key, d in graph.nodes(data=True):
        k = d.get("kind")
        if k in COLLECTIVITE_KINDS and not (d.get("insee") or d.get("siren")):
            add("collectivité sans code", key, d)
        if k == NodeKind.PROJECT:
            out = {kind(graph, t) for _, t, _ in graph.out_edges(key, data=True)}
            if not out & FOREIGN_KINDS:
                add("projet sans pays", key, d)
            if not out & {NodeKind.THEME, NodeKind.ODD}:
                add("projet sans thème", key, d)
    return Gap("qualite-donnees", "Qualité des données",
               "Faits non résolus, acteurs sans code officiel, projets sans pays ou sans thème.",
               items)


Rule = Callable[[GapContext], Gap]

RULES: dict[str, Rule] = {
    "zones-blanches": white_zones, "acteurs-disperses": separate_actors,
    "eau-sans-agence": water_without_agency, "partenaires-absents": partner_coverage,
    "odd-non-traites": odd_unaddressed, "relations-anciennes": stale_relations,
    "qualite-donnees": data_quality,
}


def scan(ctx: GapContext, rules: list[str] | None = None) -> list[Gap]:
    """Run the gap rules (all by default), in registry order."""
    return [RULES[rule](ctx) for rule in rules or list(RULES)]


__all__ = ["RULES", "STALE_YEARS", "WATER_SCHEME", "WATER_THEME", "Gap", "GapContext", "GapItem",
           "Named", "Unresolved", "data_quality", "groups", "odd_unaddressed", "partner_coverage",
           "scan", "separate_actors", "stale_relations", "water_without_agency", "white_zones"]
