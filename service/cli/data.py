"""Commands on the data: init, ingest, review, geo, template, stats, export, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress, TaskID
from rich.table import Table

from graph.export import write_graphml, write_json
from graph.labels import kind_label, relation_label
from graph.projection import to_networkx
from ingest.errors import IngestError
from ingest.importer import ImportReport
from ingest.templates import TEMPLATES, template_names, write_template
from service import actors, imports
from service.cli.base import (
    OUTPUTS,
    app,
    console,
    echo_json,
    err,
    fail,
    opened,
    settings_or_fail,
)
from service.settings import get_settings


@app.command()
def init(
    reset: Annotated[bool, typer.Option(help="Vider la base avant de charger.")] = False,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Ne rien faire si la base contient déjà des données (au "
                           "démarrage d'un service : les modifications faites depuis ne sont "
                           "jamais écrasées).")] = False,
) -> None:
    """Créer la base et charger les données de référence fournies avec Maillage."""
    with opened() as ctx:
        loaded = sum(ctx.store.counts().nodes.values()) > 0
        if if_empty and not reset and loaded:
            console.print(f"Base déjà chargée : {ctx.store.url} (rien à faire).")
            return
        with console.status("Chargement des données de référence…"):
            summary, report, twinnings = imports.load(ctx, reset)
    console.print(f"Base prête : {ctx.store.url}")
    console.print(f"Référentiel : {summary.created} créés, {summary.updated} mis à jour, "
                  f"{summary.unchanged} inchangés.")
    console.print("Faits sourcés : " + report.summary_fr())
    if twinnings is not None:
        console.print("Jumelages de toute la France : " + twinnings.summary_fr())


def _parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        if "=" not in item:
            fail(f"[red]--mapping « {item} » :[/red] forme attendue « en-tête=colonne »")
        header, _, column = item.partition("=")
        mapping[header.strip()] = column.strip()
    return mapping


def _print_import(report: ImportReport, dry_run: bool) -> None:
    console.print(("[yellow]Simulation[/yellow] — " if dry_run else "") + report.summary_fr())
    for row in report.rows:
        if row.note:
            console.print(f"  • ligne {row.line} : {row.collectivite}, {row.note}", soft_wrap=True)
        for message in row.errors:
            err.print(f"  • {message}" + (f" (candidats : {', '.join(row.candidates)})"
                                          if row.candidates else ""))


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Fichiers CSV ou XLSX.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Ne rien écrire.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Une ligne JSON par ligne du fichier (JSON Lines).")] = False,
    partial: Annotated[bool, typer.Option(
        "--partial", help="Importer les lignes valides et signaler les autres.")] = False,
    sheet: Annotated[str | None, typer.Option(help="Feuille du classeur XLSX.")] = None,
    template_key: Annotated[str | None, typer.Option(
        "--template", help=f"Modèle : {template_names()} (reconnu d'après les en-têtes "
                           "sinon).")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        help="Correspondance « en-tête du fichier=colonne du modèle » (répétable ; "
             "« =- » pour ignorer une colonne).")] = None,
) -> None:
    """Importer des tableurs (actions internationales, organisations, projets, personnes)."""
    columns = _parse_mapping(mapping or [])
    failed = False
    with opened() as ctx:
        imports.template(template_key)  # an unknown name stops before any file is read
        for path in files:
            try:
                with Progress(console=err, transient=True, disable=as_json) as bar:
                    task = bar.add_task(f"Import de {path.name}", total=None)

                    def advance(done: int, total: int, bar: Progress = bar,
                                task: TaskID = task) -> None:
                        bar.update(task, completed=done, total=total)

                    report = imports.import_spreadsheet(
                        ctx, path, sheet=sheet, mapping=columns, template_name=template_key,
                        dry_run=dry_run, partial=partial, progress=advance)
            except IngestError as exc:
                failed = True
                err.print(f"[red]Import refusé, rien n'a été écrit[/red] ({len(exc.errors)} "
                          "erreur(s)) :")
                for error in exc.errors[:50]:
                    err.print(f"  • {error}")
                continue
            if as_json:
                for row in report.rows:
                    typer.echo(json.dumps({"file": report.file, **row.as_dict()},
                                          ensure_ascii=False))
            else:
                _print_import(report, dry_run)
    if failed:
        raise typer.Exit(1)


@app.command()
def review(
    settle: Annotated[str | None, typer.Option(
        help="Élément à arbitrer : son identifiant court (colonne « id ») ou sa clé.")] = None,
    as_key: Annotated[str | None, typer.Option(
        "--as", help="Clé de la collectivité retenue (ex. commune:79162), ou du pays du "
                     "partenaire quand il manquait (ex. country:TG).")] = None,
    dismiss: Annotated[str | None, typer.Option(help="Écarter un élément (id ou clé).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Aussi les éléments arbitrés.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Lister les lignes non résolues et les arbitrer."""
    if settle and not as_key:
        fail("[red]--settle demande --as CLÉ[/red]")
    with opened() as ctx:
        if settle and as_key:
            written = imports.settle(ctx, settle, as_key)
            console.print(f"Arbitré : {settle} → {as_key} ({written} relation(s) écrite(s)).")
            return
        if dismiss:
            imports.dismiss(ctx, dismiss)
            console.print(f"Écarté : {dismiss}")
            return
        items = imports.describe(ctx, imports.review_items(ctx, None if show_all else "open"))
    if as_json:
        echo_json(items)
    elif not items:
        console.print("Rien à vérifier.")
    else:
        _print_review(items)


def _print_review(items: list[dict[str, Any]]) -> None:
    # One block per item, never a table: ids and keys must stay whole to be pasted.
    console.print(f"[b]À vérifier ({len(items)})[/b]")
    for item in items:
        lines = ", ".join(map(str, item["lines"]))
        console.print(f"\n[b]{item['id']}[/b] — {escape(str(item['name']))} "
                      f"({escape(str(item['file']))}, ligne(s) {lines}) — {item['status']}",
                      soft_wrap=True)
        console.print(f"  raison : {escape(str(item['reason']))}", soft_wrap=True)
        for c in item["candidates"]:
            where = f", {c['departement']}" if c["departement"] else ""
            console.print(f"  candidat : {c['key']} ({escape(str(c['name']))}{where})",
                          soft_wrap=True)
        if item["country_missing"]:
            console.print("  pays du partenaire absent : --as country:XX", soft_wrap=True)
    console.print("\nArbitrer : maillage review --settle ID --as commune:XXXXX "
                  "(ou --as country:XX) ; écarter : maillage review --dismiss ID", soft_wrap=True)


@app.command()
def merge(
    source: Annotated[str | None, typer.Argument(help="Nœud en double (ex. territory:de-marbourg).")]
    = None,
    target: Annotated[str | None, typer.Argument(help="Nœud qui reste (ex. territory:de-marburg).")]
    = None,
    undo: Annotated[str | None, typer.Option(help="Annuler une fusion (clé merge:…).")] = None,
) -> None:
    """Fusionner deux nœuds qui désignent le même lieu ou acteur (et annuler une fusion)."""
    with opened() as ctx:
        if undo:
            imports.undo(ctx, undo)
            console.print(f"Fusion annulée : {undo}")
            return
        if not source or not target:
            fail("[red]Précisez SOURCE et CIBLE, ou --undo CLÉ.[/red]")
        record = imports.merge(ctx, source, target)
    console.print(f"Fusionné : {source} → {target}. Pour annuler : maillage merge --undo "
                  f"{record.key}", soft_wrap=True)


@app.command()
def geo(
    communes: Annotated[Path, typer.Option(help="communes.json (etalab).")],
    epci: Annotated[Path, typer.Option(help="epci.json (etalab).")],
    departements: Annotated[Path | None, typer.Option(help="departements.json (etalab).")]
    = None,
    regions: Annotated[Path | None, typer.Option(help="regions.json (etalab).")] = None,
    bassins: Annotated[Path | None, typer.Option(
        help="CSV Sandre communes–bassin (code_insee, bassin).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Ne rien écrire.")] = False,
) -> None:
    """Mettre à jour la géographie depuis un nouveau millésime des fichiers officiels."""
    with opened() as ctx:
        try:
            counts = imports.refresh(ctx, communes, epci, departements, regions, bassins, dry_run)
        except IngestError as exc:
            fail(f"[red]Mise à jour refusée, rien n'a été écrit :[/red] {exc}", 1)
    console.print(("Simulation — " if dry_run else "") +
                  f"{counts.get('create', 0)} créés, {counts.get('update', 0)} mis à jour, "
                  f"{counts.get('unchanged', 0)} inchangés.")


@app.command()
def template(
    kind: Annotated[str, typer.Argument(help=f"Modèle : {template_names()}.")] = "actions",
    output: Annotated[Path, typer.Option("-o", "--output", help="Dossier de sortie.")]
    = OUTPUTS,
) -> None:
    """Écrire un modèle vide, en CSV et en XLSX, avec sa feuille « aide ».

    La feuille « aide » dit chaque colonne, avec un exemple."""
    if kind not in TEMPLATES:
        fail(f"[red]Modèle inconnu « {kind} » :[/red] {template_names()}")
    for path in write_template(TEMPLATES[kind], output):
        console.print(f"Modèle écrit : {path}")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False) -> None:
    """Compter les nœuds par type et les relations par type."""
    with opened() as ctx:
        counts = actors.stats(ctx)
    if as_json:
        echo_json({"nodes": counts.nodes, "relationships": counts.relationships})
        return
    for title, data, label in (("Nœuds", counts.nodes, kind_label),
                               ("Relations", counts.relationships, relation_label)):
        table = Table(title=title)
        table.add_column("type")
        table.add_column("nombre", justify="right")
        for name, count in data.items():
            table.add_row(f"{label(name)} ({name})", f"{count:,}".replace(",", "\u202f"))
        table.add_row("[b]total[/b]", f"[b]{sum(data.values()):,}[/b]".replace(",", "\u202f"))
        console.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="json ou graphml.")] = "json",
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Fichier (sinon la sortie standard).")] = None,
    personal: Annotated[bool, typer.Option(
        "--donnees-personnelles",
        help="Inclure les données personnelles (coordonnées, personnes).")] = False,
) -> None:
    """Exporter tout le graphe en JSON ou GraphML (sans données personnelles par défaut)."""
    if fmt not in ("json", "graphml"):
        fail(f"[red]Format inconnu « {fmt} » :[/red] choisir json ou graphml.")
    with opened() as ctx:
        nodes, rels = ctx.store.export()
    if not personal:
        nodes = [n.public() for n in nodes]
    if fmt == "json":
        if output is None:
            write_json(nodes, rels, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as fh:
                write_json(nodes, rels, fh)
    elif output is None:
        write_graphml(to_networkx(nodes, rels, personal), sys.stdout.buffer)
    else:
        write_graphml(to_networkx(nodes, rels, personal), output)
    if output is not None:
        err.print(f"{len(nodes)} nœuds et {len(rels)} relations exportés dans {output}")


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="Fichier de sauvegarde (.jsonl, ou .jsonl.gz).")],
) -> None:
    """Sauvegarder toute la base, données personnelles et historique compris.

    Tout : nœuds, relations, attestations, données personnelles, file de revue et
    historique des fusions."""
    from service.backup import BackupError
    from service.backup import backup as write_backup

    if target.is_dir():
        fail(f"[red]{escape(str(target))} est un dossier :[/red] donnez un nom de fichier.")
    with opened() as ctx:
        try:
            contents = write_backup(ctx.store, target)
        except (OSError, BackupError) as exc:
            fail(f"[red]Sauvegarde impossible :[/red] {escape(str(exc))}", 1)
    console.print(f"Sauvegarde écrite : {target} ({contents.summary()}). Elle contient des "
                  "données personnelles : à garder en lieu sûr.", soft_wrap=True)


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="Fichier écrit par « maillage backup ».")],
    replace: Annotated[bool, typer.Option(
        "--remplacer", help="Effacer d'abord tout ce que la base contient.")] = False,
) -> None:
    """Restaurer une sauvegarde (sur une base vide, ou avec --remplacer)."""
    from service.backup import BackupError
    from service.backup import restore as load_backup

    if not source.is_file():
        fail(f"[red]Fichier introuvable ou dossier :[/red] {escape(str(source))}")
    with opened() as ctx:
        try:
            contents = load_backup(ctx.store, source, replace)
        except BackupError as exc:
            fail(f"[red]Restauration refusée, rien n'a été écrit :[/red] {escape(str(exc))}", 1)
    console.print(f"Restauré : {contents.summary()}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    public_reads: Annotated[bool, typer.Option(
        help="Lectures sans jeton même hors de la boucle locale.")] = False,
) -> None:
    """Lancer l'API (et l'explorateur) sur http://HOST:PORT/."""
    import gc
    import os

    import uvicorn
    from threadpoolctl import threadpool_limits

    from graph.collection import large_blocks_to_system
    from service.api import create_app

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if loopback and not os.environ.get("MAILLAGE_TRUSTED_HOSTS"):
        # a page on any other name rebound to 127.0.0.1 gets nothing
        os.environ["MAILLAGE_TRUSTED_HOSTS"] = "127.0.0.1,localhost,[::1]"
    if not loopback and not public_reads:
        # Open reads are for a laptop; on a network, the token guards them too.
        os.environ["MAILLAGE_PROTECT_READS"] = "true"
    get_settings.cache_clear()
    settings = settings_or_fail()
    if not loopback and not settings.api_token:
        err.print("[yellow]Attention :[/yellow] aucun MAILLAGE_API_TOKEN : lectures et "
                  "écritures refusées hors de la boucle locale.")
    console.print(f"Maillage sur http://{host}:{port}/ (base : {settings.store_url})")
    large_blocks_to_system()  # a long-lived server: big temporaries go back when freed
    # requests already run in threads: BLAS threads of their own would wait on each other
    # and on the rest of the machine (a 1,000-node view's layout took 0.72 s beside a
    # browser on 2 cores with two BLAS threads, 0.28 s with one)
    threadpool_limits(1, user_api="blas")
    served = create_app(settings)
    # what start-up made (modules, the app) lives as long as the process: out of the
    # collector's walks, which a request would otherwise wait for (a full one took 80 ms)
    gc.collect()
    gc.freeze()
    uvicorn.run(served, host=host, port=port, log_level="warning")
