"""The network overview (observatoire du réseau)."""

from __future__ import annotations

from collections import Counter

from graph.labels import kind_label
from graph.model import COLLECTIVITE_KINDS, RelType
from service import analysis
from service.context import Context
from service.reports.common import decimal, meta, thousands, top_counts
from viz.charts import bars
from viz.report import Line, Report, Section

NETWORK_KEY = "reseau"


def _distribution(ctx: Context, engaged: list[str]) -> Section:
    graph, index = ctx.graph(), ctx.index()
    deps = Counter(ctx.name(d) for a in engaged for d in index.by_actor[a].items["departement"])
    countries = Counter(ctx.name(c) for a in engaged for c in index.by_actor[a].items["country"])
    kinds = Counter(str(graph.nodes[a]["kind"]) for a in engaged)
    odd: Counter[str] = Counter()
    decades: Counter[str] = Counter()
    for a in engaged:
        for t in index.by_actor[a].items["theme"]:
            for _, o, d in graph.out_edges(t, data=True):
                if d.get("type") == RelType.ADDRESSES:
                    odd[ctx.name(o)] += 1
        for y in set(index.by_actor[a].years):
            decades[f"{y // 10 * 10}s"] += 1
    return Section("Répartition", svg="".join([
        bars("Collectivités engagées par département", top_counts(deps, 12)),
        bars("… par type", top_counts(kinds)),
        bars("… par pays (15 premiers)", top_counts(countries, 15)),
        bars("… par ODD (via les thèmes)", top_counts(odd, 17)),
        bars("Années d'activité citées, par décennie",
             [(k, float(v)) for k, v in sorted(decades.items())])]))


def _key_figures(ctx: Context, engaged: list[str]) -> Section:
    """The home région's figures; the whole base (all of France) in one line after."""
    graph, index = ctx.graph(), ctx.index()
    home: Counter[str] = Counter()
    everywhere = 0
    national = sum(1 for a in ctx.index("france").by_actor
                   if graph.nodes[a].get("kind") in COLLECTIVITE_KINDS)
    for key, data in graph.nodes(data=True):
        if data.get("kind") in COLLECTIVITE_KINDS:
            everywhere += 1
            if ctx.in_region(key):
                home[str(data["kind"])] += 1
    acting = Counter(str(graph.nodes[a]["kind"]) for a in engaged)
    evidence = [index.by_actor[a] for a in engaged]
    section = Section("Chiffres clés")
    section.table = [["collectivités de la région", "nombre", "connues pour agir à "
                                                              "l'international"]]
    section.table += [[kind_label(k), thousands(home[k]), thousands(acting[k])]
                      for k in ("region", "departement", "epci", "commune") if home[k]]
    relations = sum(ev.relations for ev in evidence)
    countries = {c for ev in evidence for c in ev.items["country"]}
    partners = {t for ev in evidence for t in ev.items["territory"]}
    section.lines += [
        Line(f"{len(engaged)} collectivités connues pour agir à l'international, "
             f"{thousands(relations)} relations internationales (hors celles que leur source "
             f"dit arrêtées), avec {thousands(len(partners))} collectivités étrangères dans "
             f"{len(countries)} pays."),
        Line(f"La base couvre toute la France : {thousands(everywhere)} collectivités, dont "
             f"{thousands(national)} connues pour agir à l'international.")]
    return section


def build_network(ctx: Context, key: str = NETWORK_KEY, contacts: bool = False) -> Report:
    """Key figures, distribution charts, brokers, communities, data quality."""
    graph, index = ctx.graph(), ctx.index()
    engaged = sorted(a for a in index.by_actor if graph.nodes[a].get("kind") in COLLECTIVITE_KINDS)
    counts = _key_figures(ctx, engaged)
    found = analysis.metrics(ctx, 8)
    brokers = Section("Les courtiers du réseau",
                      "Acteurs par où passent le plus de chemins (intermédiarité).",
                      lines=[Line(f"{b.name} ({b.key}) — intermédiarité {decimal(b.betweenness, 3)}, "
                                  f"{b.degree} liens") for b in found.brokers])
    groups = Section("Communautés", "Groupes d'acteurs plus liés entre eux qu'aux autres "
                     "(Louvain, graine fixe) ; les plus actifs à l'international d'abord.")
    for i, group in enumerate(found.communities[:6], start=1):
        names = [ctx.name(k) for k in group if k in index.by_actor]
        groups.lines.append(Line(f"n° {i} : " + ", ".join(names[:10])
                                 + (" …" if len(names) > 10 else "")))
    # an ODD no theme maps to is a limit of the vocabulary, said as such
    problems: Counter[str] = Counter(
        "ODD non suivi (aucun thème de Maillage ne s'y rattache)"
        if gap.rule == "odd-non-traites" else item.problem
        for gap in analysis.gaps(ctx) for item in gap.items if item.problem)
    quality = Section("Qualité des données",
                      lines=[Line(f"{p} : {n:g}") for p, n in top_counts(problems)])
    data_date, licences = meta(ctx, [str(d.get("source")) for *_, d in graph.edges(data=True)])
    return Report("reseau", NETWORK_KEY, "Observatoire du réseau", ctx.region_name,
                  [counts, _distribution(ctx, engaged), brokers, groups, quality],
                  data_date, licences)
