"""Reports on places: territorial prospection (a département or an EPCI) and a country
or foreign territory."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from graph.focus import Focus
from graph.gaps import groups
from graph.labels import relation_label
from graph.model import NodeKind, RelType
from graph.status import Status, relation_status
from service import analysis
from service.actors import country as country_actors
from service.actors import there
from service.context import Context
from service.reports.common import meta, thousands, top_counts
from viz.charts import bars, choropleth
from viz.maps import na_layer
from viz.report import Line, Report, Section

TARGETS_SHOWN = 25


def _members(ctx: Context, key: str) -> list[str]:
    kind, code = key.split(":", 1)
    return [k for k, d in ctx.graph().nodes(data=True) if d.get("kind") == NodeKind.COMMUNE and (
        (kind == NodeKind.DEPARTEMENT and d.get("departement") == code)
        or (kind == NodeKind.EPCI and d.get("epci") == code))]


def _engaged_table(ctx: Context, actors: list[str], sources: list[str]) -> Section:
    graph, index = ctx.graph(), ctx.index()
    section = Section("Collectivités engagées")
    section.table = [["collectivité", "pays", "thèmes"]]
    for k in sorted(actors, key=lambda k: (-(graph.nodes[k].get("population") or 0), k)):
        ev = index.by_actor[k]
        section.table.append([f"{ctx.name(k)} ({k})",
                              ", ".join(sorted(ctx.name(c) for c in ev.items["country"])) or "—",
                              ", ".join(sorted(ctx.name(t) for t in ev.items["theme"])) or "—"])
        sources += [s for items in ev.items["country"].values() for s in sorted(items)]
    return section


def _targets(ctx: Context, members: list[str], engaged: list[str],
             sources: list[str]) -> Section:
    graph, index = ctx.graph(), ctx.index()
    engaged_epcis = {graph.nodes[k].get("epci") for k in engaged}
    section = Section("Collectivités à mobiliser",
                      "Pas encore engagées : d'abord celles qui ont eu un partenariat à "
                      "l'étranger, dont la source dit la fin (à relancer), puis les « proches » "
                      "(membres d'un EPCI où une commune agit déjà), par population.")
    idle = [k for k in members if k not in index.by_actor]
    past = {k: _ended(ctx, k) for k in idle}
    ranked = sorted(idle, key=lambda k: (not past[k][0],
                                         graph.nodes[k].get("epci") not in engaged_epcis,
                                         -(graph.nodes[k].get("population") or 0), k))
    section.table = [["commune", "population", "proximité"]]
    for k in ranked[:TARGETS_SHOWN]:
        said, cited = past[k]
        near = ["proche"] if graph.nodes[k].get("epci") in engaged_epcis else []
        sources += cited
        section.table.append([f"{ctx.name(k)} ({k})",
                              thousands(int(graph.nodes[k].get("population") or 0)),
                              " ; ".join([*(f"a eu : {s}" for s in said), *near]) or "—"])
    return section


def _ended(ctx: Context, commune: str) -> tuple[list[str], list[str]]:
    """The partnerships abroad of a commune whose source says they ended (« jumelage avec
    Badou (Togo), 1989-2007 »: a lead to take up again), and their sources."""
    graph, year = ctx.graph(), date.today().year
    said, sources = [], []
    for _, other, d in sorted(graph.out_edges(commune, data=True), key=lambda e: str(e[1])):
        if d.get("type") not in (RelType.TWINNED_WITH, RelType.COOPERATES_WITH) or \
                relation_status(d, year) != Status.ENDED:
            continue
        iso = graph.nodes[other].get("country")
        where = ctx.name(other) + (f" ({ctx.name(f'country:{iso}')})" if iso else "")
        period = f", {d['period']}" if d.get("period") else ""
        said.append(f"{relation_label(str(d['type']))} avec {where}{period}")
        sources.append(str(d.get("source", "")))
    return said, [s for s in sources if s]


def _white_map(key: str, engaged: list[str]) -> Section:
    section = Section("Carte des zones blanches", "En bleu les communes engagées, en gris les "
                      "autres.")
    kind, code = key.split(":", 1)
    if kind == NodeKind.DEPARTEMENT:
        features, box = na_layer("communes")
        mine: list[dict[str, Any]] = [
            {"key": f"commune:{f['properties']['code']}", "name": f["properties"]["nom"],
             "d": f["d"]} for f in features if f["properties"].get("dep") == code]
        section.svg = choropleth(mine, _box(mine) or box, {k: "#2166ac" for k in engaged},
                                 width=520)
    return section


def _box(features: list[dict[str, Any]]) -> str:
    numbers = [float(v) for f in features for v in re.findall(r"-?\d+\.?\d*", f["d"])]
    if not numbers:
        return ""
    xs, ys = numbers[0::2], numbers[1::2]
    return (f"{min(xs) - 2:.0f} {min(ys) - 2:.0f} {max(xs) - min(xs) + 4:.0f} "
            f"{max(ys) - min(ys) + 4:.0f}")


def _findings(ctx: Context, key: str, members: list[str]) -> tuple[Section, Section]:
    """Gap findings about the territory: shared places without a common project, and
    network partners absent from it."""
    here = set(members) | {key}
    seeds = Section("Opportunités")
    partners = Section("Partenaires présents ou absents")
    for gap in analysis.gaps(ctx):
        for item in gap.items:
            local = [a for a in item.actors if a.key in here]
            apart = groups(ctx.index(), [a.key for a in local], ctx.graph()) \
                if len(local) >= 2 else 1
            if apart >= 2:  # some of them may already act together: say so
                seeds.lines.append(Line(f"{item.name} : " + ", ".join(a.name for a in local)
                                        + (" y agissent sans projet commun." if apart ==
                                           len(local) else f" y agissent en {apart} groupes, "
                                           "sans projet commun entre eux.")))
            if item.departements and key.startswith("departement:"):
                absent = any(d.key == key for d in item.departements)
                partners.lines.append(Line(f"{item.name} : "
                                           + ("aucun lien connu ici" if absent else "présent")))
    return seeds, partners


def build_territorial(ctx: Context, key: str, contacts: bool = False) -> Report:
    """Territorial prospection: who acts, who to mobilise next, countries and themes,
    white zones, opportunities, partners."""
    index = ctx.index()
    members = _members(ctx, key)
    engaged = [k for k in members if k in index.by_actor]
    sources: list[str] = []
    summary = Section("En bref")
    summary.lines.append(Line(f"{len(members)} communes, dont {len(engaged)} connues pour agir "
                              "à l'international."))
    if key in index.by_actor:
        summary.lines.append(Line(f"{ctx.name(key)} agit elle-même à l'international."))
    active = _engaged_table(ctx, engaged + ([key] if key in index.by_actor else []), sources)
    countries = Counter(ctx.name(c) for k in engaged for c in index.by_actor[k].items["country"])
    themes = Counter(ctx.name(t) for k in engaged for t in index.by_actor[k].items["theme"])
    where = Section("Pays et thèmes du territoire", svg=bars(
        "Collectivités engagées par pays", top_counts(countries, 12)) + bars(
        "… par thème", top_counts(themes, 10)))
    seeds, partners = _findings(ctx, key, members)
    targets = _targets(ctx, members, engaged, sources)
    data_date, licences = meta(ctx, sources)
    return Report("territoire", key, "Prospection territoriale : " + ctx.name(key), key,
                  [summary, active, targets, where,
                   _white_map(key, engaged), seeds, partners], data_date, licences)


def build_country(ctx: Context, key: str, contacts: bool = False) -> Report:
    """A country or a foreign territory: who acts there, on what, since when; proposed
    consortia; calls and funders that fit."""
    graph = ctx.graph()
    is_territory = key.startswith("territory:")
    iso2 = str(graph.nodes[key].get("country")) if is_territory else key.split(":")[1]
    data = country_actors(ctx, iso2)
    sources: list[str] = []
    who = Section("Qui agit, sur quoi, depuis quand")
    who.table = [["acteur", "collectivités partenaires", "thèmes", "depuis"]]
    shown: list[dict[str, Any]] = []
    cited: dict[str, set[str]] = defaultdict(set)  # source → the actors it is cited for
    for a in data.actors:
        if is_territory:  # that place, not the others of the country
            if key not in {t["key"] for t in a["territories"]}:
                continue
            on, since = there(ctx, a["key"], Focus(territories=[key]))
            a = {**a, "themes": [{"name": ctx.name(t)} for t in on], "since": since}
        shown.append(a)
        who.table.append([f"{a['name']} ({a['key']})",
                          ", ".join(t["name"] for t in a["territories"]) or "—",
                          ", ".join(t["name"] for t in a["themes"]) or "—",
                          str(a["since"] or "—")])
        sources += a["sources"]
        for source in a["sources"]:
            cited[source].add(a["name"])
    # the sources of the same actors on one line: seven lines « Nouvelle-Aquitaine » said less
    by_actors: dict[str, list[str]] = defaultdict(list)
    for source in sorted(cited):
        by_actors[", ".join(sorted(cited[source]))].append(source)
    facts = Section("Sources", "Les acteurs dont l'action ici est attestée, avec leurs sources.",
                    lines=[Line.cited(who, srcs) for who, srcs in sorted(by_actors.items())])
    target = Focus(territories=[key]) if is_territory else Focus(countries=[key])
    cons = Section("Consortiums proposés")
    calls: dict[str, tuple[str, list[int]]] = {}
    for i, c in enumerate(analysis.consortia(ctx, target, 3), start=1):
        cons.lines.append(Line(f"n° {i} : chef de file {c.lead.name} ; membres : "
                               + ", ".join(m.name for m in c.members) + ". "
                               + " ; ".join(c.complementarity) + "."))
        for f in c.funding:
            calls.setdefault(f.name, (f.why, []))[1].append(i)
    # which consortium each fits: the water agencies fit those working on water there
    funding = Section("Appels et financeurs qui conviennent", lines=[
        Line(f"{name} (consortium{'s' if len(fit) > 1 else ''} n° {', '.join(map(str, fit))})"
             f" — {why}") for name, (why, fit) in calls.items()])
    themes = Counter(t["name"] for a in shown for t in a["themes"])
    chart = Section("Acteurs par thème", svg=bars("Acteurs par thème", top_counts(themes, 10)))
    france = Section("Ailleurs en France", "Collectivités françaises qui y agissent, par "
                     "région (faits fournis et jumelages Wikidata P190) : des partenaires "
                     "possibles hors de la région (maillage opportunities --scope france).")
    france.table = [["région", "collectivités"]] + [
        [region, str(n)] for region, n in data.by_region.items()]
    data_date, licences = meta(ctx, sources)
    return Report("pays", key,
                  f"{ctx.name(key)} : l'action des collectivités de {ctx.region_name}", key,
                  [who, cons, funding, france, chart, facts], data_date, licences)
