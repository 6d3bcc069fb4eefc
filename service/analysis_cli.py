"""CLI commands on the analysis: opportunities, gaps, path (French tables, or --json)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from graph.consortium import Focus, build_consortia, expand_odd
from graph.evidence import build_index
from graph.gaps import RULES, scan
from graph.metrics import path as shortest_path
from graph.opportunities import name, suggest_partners
from graph.projection import ProjectionCache
from service.cli import app, console, err, opened_store

_cache = ProjectionCache()


def _key(graph: Any, raw: str, prefix: str) -> str:
    key = raw if ":" in raw else f"{prefix}:{raw}"
    if key not in graph:
        err.print(f"[red]Inconnu :[/red] {key}")
        raise typer.Exit(2)
    return key


@app.command()
def opportunities(
    actor: Annotated[str | None, typer.Option(help="Partenaires pour cet acteur (clé).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Code ISO du pays.")] = None,
    territory: Annotated[list[str] | None, typer.Option(help="Clé d'une collectivité étrangère.")]
    = None,
    theme: Annotated[list[str] | None, typer.Option(help="Thème (clé ou slug) ou odd:N.")] = None,
    programme: Annotated[list[str] | None, typer.Option(help="Programme ou dispositif (clé).")]
    = None,
    top: Annotated[int, typer.Option(help="Nombre de résultats.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Partenaires à suggérer à un acteur, ou consortiums pour un pays, un territoire, un thème."""
    with opened_store() as store:
        graph = _cache.get(store)
    index = build_index(graph)
    if actor:
        key = _key(graph, actor, "commune")
        suggestions = suggest_partners(graph, key, top, index)
        if as_json:
            typer.echo(json.dumps([dataclasses.asdict(s) for s in suggestions], ensure_ascii=False,
                                  indent=1))
            return
        table = Table(title=f"Partenaires suggérés pour {name(graph, key)} ({key})")
        for col in ("acteur", "score", "pourquoi"):
            table.add_column(col)
        for s in suggestions:
            table.add_row(f"{s.name}\n{s.actor}", f"{s.score:.2f}",
                          "\n".join(r.text for r in s.reasons[:5]))
        console.print(table)
        return
    themes: list[str] = []
    for t in theme or []:
        if t.startswith("odd:"):
            themes += expand_odd(graph, _key(graph, t, "odd"))
        else:
            themes.append(_key(graph, t, "theme"))
    focus = Focus(countries=[_key(graph, c.upper(), "country") for c in country or []],
                  territories=[_key(graph, t, "territory") for t in territory or []],
                  themes=themes, programmes=[_key(graph, p, "programme") for p in programme or []])
    if not focus.items():
        err.print("[red]Précisez --actor, --country, --territory, --theme ou --programme.[/red]")
        raise typer.Exit(2)
    consortia = build_consortia(graph, focus, top=top, index=index)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(c) for c in consortia], ensure_ascii=False,
                              indent=1))
        return
    if not consortia:
        console.print(f"Moins de deux collectivités actives sur : {focus.label(graph)}.")
        return
    for rank, c in enumerate(consortia, start=1):
        table = Table(title=f"Consortium n° {rank} — {focus.label(graph)} (score {c.score:.1f})")
        for col in ("rôle", "collectivité", "pourquoi (sources dans --json)"):
            table.add_column(col)
        for m in [c.lead, *c.members]:
            table.add_row(m.role, f"{m.name}\n{m.actor}", "\n".join(r.text for r in m.reasons[:4]))
        console.print(table)
        console.print("Complémentarité : " + " ; ".join(c.complementarity))
        console.print("Financements et partenaires : " + " ; ".join(
            f"{f.name} ({f.why})" for f in c.funding))


@app.command()
def gaps(
    rule: Annotated[str | None, typer.Option(help="Règle : " + ", ".join(RULES))] = None,
    limit: Annotated[int, typer.Option(help="Éléments affichés par règle.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Manques du réseau : zones blanches, acteurs dispersés, eau sans agence…"""
    if rule and rule not in RULES:
        err.print(f"[red]Règle inconnue « {rule} » :[/red] " + ", ".join(RULES))
        raise typer.Exit(2)
    with opened_store() as store:
        graph = _cache.get(store)
        unresolved = [{"key": i.key, "name": i.name, "reason": i.reason, "file": i.file,
                       "lines": i.lines} for i in store.review_items("open")]
    found = scan(graph, date.today().year, unresolved, [rule] if rule else None)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(g) for g in found], ensure_ascii=False,
                              indent=1))
        return
    for gap in found:
        console.print(f"\n[b]{gap.title}[/b] ({gap.rule}) — {len(gap.items)} élément(s)")
        console.print(gap.explanation)
        for item in gap.items[:limit]:
            label = item.get("name") or item.get("actor_name") or item.get("key")
            extra = ""
            if "actors" in item:
                extra = " : " + ", ".join(a["name"] for a in item["actors"])
            elif "population" in item:
                extra = f" ({item['population']:,} hab.)".replace(",", "\u202f")
            elif "last_year" in item:
                extra = f" → {item['partner_name']} (dernière année : {item['last_year']})"
            elif "problem" in item:
                extra = f" : {item['problem']}"
            console.print(escape(f"  • {label} [{item.get('key', '')}]{extra}"))


@app.command()
def metrics(
    top: Annotated[int, typer.Option(help="Nombre de courtiers affichés.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Courtiers du réseau (intermédiarité échantillonnée) et communautés (graine fixe)."""
    from graph.metrics import brokers, communities

    with opened_store() as store:
        graph = _cache.get(store)
    # Only the part of the graph with international action: the geography alone would
    # make every département a broker.
    index = build_index(graph)
    keep = set(index.by_actor)
    for ev in index.by_actor.values():
        keep |= {item for items in ev.items.values() for item in items}
    sub = graph.subgraph(keep)
    ranked = brokers(sub, top=top)
    groups = [c for c in communities(sub) if len(c) > 2][:top]
    if as_json:
        typer.echo(json.dumps({
            "brokers": [{"key": k, "name": name(graph, k), "betweenness": round(b, 5),
                         "degree": d} for k, b, d in ranked],
            "communities": [sorted(c) for c in groups]}, ensure_ascii=False, indent=1))
        return
    table = Table(title="Courtiers du réseau")
    for col in ("acteur", "intermédiarité", "degré"):
        table.add_column(col)
    for key, between, degree in ranked:
        table.add_row(f"{name(graph, key)} ({key})", f"{between:.3f}", str(degree))
    console.print(table)
    for i, group in enumerate(groups, start=1):
        actors = sorted(name(graph, k) for k in group if k in index.by_actor)
        console.print(f"Communauté {i} ({len(group)} nœuds) : " + ", ".join(actors[:12])
                      + (" …" if len(actors) > 12 else ""))


@app.command()
def report(
    key: Annotated[str, typer.Argument(help="Clé (commune:86194, departement:79, country:SN, "
                                            "theme:eau-assainissement, programme:inspire) "
                                            "ou « reseau ».")],
    fmt: Annotated[str, typer.Option("--format", help="html, pdf ou md.")] = "html",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Fichier.")] = None,
    contacts: Annotated[bool, typer.Option(
        help="Inclure les coordonnées personnelles (courriel, téléphone).")] = False,
) -> None:
    """Écrire un rapport de prospection en français (HTML, PDF ou Markdown)."""
    from service.queries import Maillage
    from viz.reports import FORMATS, ReportError, build, render

    if fmt not in FORMATS:
        err.print(f"[red]Format inconnu « {fmt} » :[/red] html, pdf ou md.")
        raise typer.Exit(2)
    with opened_store() as store:
        try:
            document = render(build(Maillage(store), key, contacts), fmt)
        except ReportError as exc:
            err.print(f"[red]Erreur :[/red] {exc}")
            raise typer.Exit(2) from None
    target = output or Path(f"maillage-{key.replace(':', '-')}.{fmt}")
    target.write_bytes(document)
    console.print(f"Rapport écrit : {target}")


@app.command()
def path(source: str, target: str) -> None:
    """Comment joindre un acteur : le plus court chemin entre deux nœuds."""
    with opened_store() as store:
        graph = _cache.get(store)
    steps = shortest_path(graph, _key(graph, source, "commune"), _key(graph, target, "commune"))
    if not steps:
        console.print("Aucun chemin connu.")
        raise typer.Exit(1)
    console.print(" → ".join(f"{name(graph, s)} ({s})" for s in steps))
