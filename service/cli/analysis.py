"""Commands on the analysis: opportunities, gaps, metrics, path, reports."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graph.consortium import Consortium
from graph.focus import Focus
from graph.gaps import RULES
from graph.opportunities import Suggestion
from graph.wording import count
from service import analysis, reports
from service.cli.base import OUTPUTS, app, console, echo_json, fail, opened
from service.reports.common import decimal
from viz.report import FORMATS, render


def _key(raw: str, prefix: str) -> str:
    return raw if ":" in raw else f"{prefix}:{raw}"


def _print_suggestions(title: str, found: list[Suggestion]) -> None:
    table = Table(title=title)
    for col in ("acteur", "score", "pourquoi"):
        table.add_column(col)
    for s in found:
        table.add_row(f"{s.name}\n{s.actor}", decimal(s.score, 2),
                      "\n".join(r.text for r in s.reasons[:5]))
    console.print(table)


def _about(focus: Focus) -> str:
    """What the focus is, to say which actions to import: « de ce pays », « sur ce thème »."""
    given = [name for name, items in (("de ce pays", focus.countries),
                                      ("avec ce partenaire", focus.territories),
                                      ("sur ce thème", focus.themes),
                                      ("de ce programme", focus.programmes)) if items]
    return given[0] if len(given) == 1 else "sur ce sujet"


def _print_consortia(label: str, found: list[Consortium], top: int, about: str) -> None:
    if not found:
        console.print(f"Aucun consortium pour {label} : moins de deux collectivités y agissent "
                      f"dans les données de Maillage. Importer les actions connues {about} "
                      "(maillage template actions, puis maillage ingest) aiderait.")
    elif len(found) < top:
        console.print(f"{len(found)} consortium{'s' if len(found) > 1 else ''} seulement : "
                      "pas assez de collectivités "
                      f"actives sur {label} pour d'autres alternatives qui diffèrent "
                      "(au plus la moitié des membres en commun).")
    for rank, c in enumerate(found, start=1):
        table = Table(title=f"Consortium n° {rank} — {label} (score {decimal(c.score, 1)})")
        for col in ("rôle", "collectivité", "pourquoi (sources dans --json)"):
            table.add_column(col)
        for m in [c.lead, *c.members]:
            where = " (hors région)" if m.outside_region else ""
            table.add_row(m.role, f"{m.name}{where}\n{m.actor}",
                          "\n".join(r.text for r in m.reasons[:4]))
        console.print(table)
        console.print("Complémentarité : " + " ; ".join(c.complementarity))
        console.print("Financements et partenaires : " + " ; ".join(
            f"{f.name} ({f.why})" for f in c.funding))


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
    scope: Annotated[str, typer.Option(
        help="Consortiums : collectivités de la région (region) ou de toute la France "
             "(france, signalées « hors région »).")] = "region",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Partenaires à suggérer à un acteur, ou consortiums pour un pays, un territoire, un thème."""
    with opened() as ctx:
        if actor:
            key = _key(actor, "commune")
            found = analysis.suggestions(ctx, key, top)
            if as_json:
                echo_json([dataclasses.asdict(s) for s in found])
            elif not found:
                console.print("Aucune suggestion : aucune autre collectivité n'a d'action "
                              "internationale connue dans les données de Maillage.")
            else:
                _print_suggestions(f"Partenaires suggérés pour {ctx.name(key)} ({key})", found)
            return
        focus = analysis.focus(ctx, analysis.FocusQuery(
            tuple(country or ()), tuple(territory or ()), tuple(theme or ()),
            tuple(programme or ())))
        consortia = analysis.consortia(ctx, focus, top, scope)
        if as_json:
            echo_json([dataclasses.asdict(c) for c in consortia])
        else:
            _print_consortia(analysis.focus_label(ctx, focus), consortia, top, _about(focus))


@app.command()
def gaps(
    rule: Annotated[str | None, typer.Option(help="Règle : " + ", ".join(RULES))] = None,
    limit: Annotated[int, typer.Option(help="Éléments affichés par règle.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Manques du réseau : zones blanches, acteurs dispersés, eau sans agence…"""
    with opened() as ctx:
        found = analysis.gaps(ctx, rule)
    if as_json:
        echo_json([g.as_dict() for g in found])
        return
    for gap in found:
        console.print(f"\n[b]{gap.title}[/b] ({gap.rule}) — {count(len(gap.items), 'élément')}")
        console.print(gap.explanation)
        for item in gap.items[:limit]:
            detail = f" : {item.detail}" if item.detail else ""
            console.print(escape(f"  • {item.name} [{item.key}]{detail}"))


@app.command()
def metrics(
    top: Annotated[int, typer.Option(help="Nombre de courtiers affichés.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Courtiers du réseau (intermédiarité échantillonnée) et communautés (graine fixe)."""
    with opened() as ctx:
        found = analysis.metrics(ctx, top)
        engaged = set(ctx.index().by_actor)
        names = {k: ctx.name(k) for group in found.communities for k in group}
    if as_json:
        echo_json(dataclasses.asdict(found))
        return
    table = Table(title="Courtiers du réseau")
    for col in ("acteur", "intermédiarité", "degré"):
        table.add_column(col)
    for b in found.brokers:
        table.add_row(f"{b.name} ({b.key})", decimal(b.betweenness, 3), str(b.degree))
    console.print(table)
    for i, group in enumerate(found.communities, start=1):
        actors = [names[k] for k in group if k in engaged]  # the most active first
        console.print(f"Communauté {i} ({len(group)} nœuds) : " + ", ".join(actors[:12])
                      + (" …" if len(actors) > 12 else ""))


@app.command()
def report(
    key: Annotated[str, typer.Argument(help="Clé (commune:86194, departement:79, country:SN, "
                                            "theme:eau-assainissement, programme:inspire, "
                                            "project:ml-segou), « reseau » ou "
                                            "« observatoire:2025 ».")],
    fmt: Annotated[str, typer.Option("--format", help="html, pdf ou md.")] = "html",
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Fichier (par défaut : sorties/maillage-CLÉ.FORMAT).")] = None,
    contacts: Annotated[bool, typer.Option(
        help="Inclure les coordonnées personnelles (courriel, téléphone).")] = False,
) -> None:
    """Écrire un rapport de prospection en français (HTML, PDF ou Markdown)."""
    if fmt not in FORMATS:
        fail(f"[red]Format inconnu « {fmt} » :[/red] html, pdf ou md.")
    with opened() as ctx:
        document = render(reports.build(ctx, key, contacts), fmt)
    target = output or OUTPUTS / f"maillage-{key.replace(':', '-')}.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(document)
    console.print(f"Rapport écrit : {target}")


@app.command()
def path(source: str, target: str) -> None:
    """Comment joindre un acteur : le plus court chemin entre deux nœuds."""
    with opened() as ctx:
        steps = analysis.path(ctx, _key(source, "commune"), _key(target, "commune"))
    if not steps:
        console.print("Aucun chemin connu.")
        raise typer.Exit(1)
    console.print(" → ".join(f"{s.name} ({s.key})" for s in steps))
