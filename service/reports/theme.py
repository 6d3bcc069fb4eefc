"""The report on a theme, an ODD or a programme."""

from __future__ import annotations

from collections import Counter

from graph.evidence import countries_on, partners_on
from graph.labels import relation_label
from graph.model import NodeKind, RelType
from service import analysis
from service.context import Context
from service.reports.common import meta, top_counts
from viz.charts import bars
from viz.report import Line, Report, Section


def _tie(type_: str, out: bool, actor: str) -> str:
    """What a partner is to an actor, read the right way round (FUNDED_BY: the actor is
    funded by the partner when the relation leaves the actor)."""
    if type_ == RelType.FUNDED_BY:
        return f"finance {actor}" if out else f"financé par {actor}"
    if type_ == RelType.PARTICIPATES_IN:
        return f"{actor} y participe"
    if type_ == RelType.MEMBER_OF:
        return f"{actor} en est membre"
    return f"{relation_label(type_)} avec {actor}"


def build_theme(ctx: Context, key: str, contacts: bool = False) -> Report:
    """Actors, projects, funders and carriers, gaps about the theme, actors per
    département."""
    graph, index = ctx.graph(), ctx.index()
    kind = NodeKind(str(graph.nodes[key]["kind"]))
    ev_kind = "partner" if kind == NodeKind.PROGRAMME else "theme"
    keys = [key] if kind != NodeKind.ODD else sorted(
        t for t, _, d in graph.in_edges(key, data=True) if d.get("type") == RelType.ADDRESSES)
    # who runs or animates it is said under « Financeurs et porteurs », not as an actor
    carriers = {src for k in keys for src, _, d in graph.in_edges(k, data=True)
                if d.get("type") in (RelType.RUNS, RelType.ANIMATES)}
    holders = sorted({a for k in keys for a in index.holders.get((ev_kind, k), set())}
                     - carriers)
    what = "ce programme" if kind == NodeKind.PROGRAMME else "ce thème"
    sources: list[str] = []
    actors = Section("Acteurs", "Pour chaque acteur, les pays des relations qui citent ce "
                     "thème ou ce programme (pas tous ses pays).")
    actors.table = [["acteur", "pays"]]
    for a in holders:
        ev = index.by_actor[a]
        actors.table.append([f"{ctx.name(a)} ({a})", ", ".join(sorted(
            ctx.name(c) for c in countries_on(graph, a, keys) if c in graph)) or "—"])
        for k in keys:
            sources += sorted(ev.items[ev_kind].get(k, set()))
    projects = Section("Projets")
    funders = Section("Financeurs et porteurs")
    for k in keys:
        for src, _, d in sorted(graph.in_edges(k, data=True), key=lambda e: e[0]):
            if graph.nodes[src].get("kind") == NodeKind.PROJECT:
                projects.lines.append(Line(ctx.name(src), d.get("source")))
            if d.get("type") in (RelType.RUNS, RelType.ANIMATES):
                funders.lines.append(Line(f"{ctx.name(src)} ({relation_label(str(d['type']))})",
                                          d.get("source")))
    # who funds or carries the actors' actions on this theme, from those relations only
    tied = sorted({(p, t, out, a, src) for a in holders
                   for p, t, out, src in partners_on(graph, a, keys)},
                  key=lambda x: (ctx.name(x[0]), ctx.name(x[3]), x[1], x[4] or ""))
    # one line per tie, with every source that attests it
    said: dict[str, list[str | None]] = {}
    for p, t, out, a, src in tied:
        said.setdefault(f"{ctx.name(p)} — {_tie(t, out, ctx.name(a))}", []).append(src)
    funders.lines += [Line.cited(text, srcs) for text, srcs in said.items()]
    if not funders.lines:
        funders.intro = "Aucun financeur ni porteur connu dans les données de Maillage."
    if not projects.lines:
        projects.intro = f"Aucun projet connu sur {what} dans les données de Maillage."
    gaps = Section("Manques")
    for gap in analysis.gaps(ctx):
        if set(keys) & set(gap.themes):
            gaps.lines += [Line.cited(f"{item.name} : {gap.title.lower()} — {item.detail}",
                                      item.sources) for item in gap.items]
    if not gaps.lines:
        gaps.intro = f"Aucun manque propre à {what} détecté."
    deps = Counter(ctx.name(d) for a in holders for d in index.by_actor[a].items["departement"])
    chart = Section("Acteurs par département",
                    svg=bars("Acteurs par département", top_counts(deps, 12)))
    data_date, licences = meta(ctx, sources)
    title = ("Programme" if kind == NodeKind.PROGRAMME else "Thème") + " : " + ctx.name(key)
    return Report("theme", key, title, key, [actors, projects, funders, gaps, chart],
                  data_date, licences)

