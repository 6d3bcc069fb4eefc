"""The ``maillage`` command line. Messages are in French."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph.export import write_graphml, write_json
from graph.factory import open_store
from graph.projection import to_networkx
from graph.store import GraphStore, StoreError
from service.settings import get_settings

app = typer.Typer(help="Maillage : graphe des partenariats de coopération décentralisée.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)


@contextmanager
def opened_store() -> Iterator[GraphStore]:
    settings = get_settings()
    try:
        store = open_store(settings.store_url, settings.neo4j_user,
                           settings.neo4j_password.get_secret_value(), settings.neo4j_database)
    except StoreError as exc:
        err.print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(2) from None
    except Exception as exc:  # the driver's own errors, e.g. server unreachable
        err.print(f"[red]Impossible d'ouvrir la base {settings.store_url} :[/red] {exc}")
        raise typer.Exit(2) from None
    try:
        yield store
    finally:
        store.close()


@app.command()
def init(
    reset: Annotated[bool, typer.Option(help="Vider la base avant de charger.")] = False,
) -> None:
    """Créer la base et charger les données de référence fournies avec Maillage."""
    from ingest.reference.load import load_reference

    with opened_store() as store:
        if reset:
            store.clear()
        store.setup_schema()
        with console.status("Chargement des données de référence…"):
            summary, report = load_reference(store)
        console.print(f"Base prête : {store.url}")
        console.print(f"Référentiel : {summary.created} créés, {summary.updated} mis à jour, "
                      f"{summary.unchanged} inchangés.")
        console.print("Faits sourcés : " + report.summary_fr())


def _parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        if "=" not in item:
            err.print(f"[red]--mapping « {item} » :[/red] forme attendue « en-tête=colonne »")
            raise typer.Exit(2)
        header, _, column = item.partition("=")
        mapping[header.strip()] = column.strip()
    return mapping


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Fichiers CSV ou XLSX.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Ne rien écrire.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Avec --dry-run : JSON par ligne.")]
    = False,
    partial: Annotated[bool, typer.Option(
        "--partial", help="Importer les lignes valides et signaler les autres.")] = False,
    sheet: Annotated[str | None, typer.Option(help="Feuille du classeur XLSX.")] = None,
    template_key: Annotated[str | None, typer.Option(
        "--template", help="Modèle : actions, organisations, projets, personnes "
                           "(reconnu d'après les en-têtes sinon).")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        help="Correspondance « en-tête du fichier=colonne du modèle » (répétable ; "
             "« =- » pour ignorer une colonne).")] = None,
) -> None:
    """Importer des tableurs au modèle « actions internationales »."""
    from rich.progress import Progress

    from ingest.errors import IngestError
    from ingest.importer import import_file
    from ingest.templates import TEMPLATES

    columns = _parse_mapping(mapping or [])
    if template_key is not None and template_key not in TEMPLATES:
        err.print(f"[red]Modèle inconnu « {template_key} » :[/red] " + ", ".join(TEMPLATES))
        raise typer.Exit(2)
    failed = False
    outputs: list[dict[str, object]] = []
    with opened_store() as store:
        for path in files:
            try:
                with Progress(console=err, transient=True, disable=as_json) as bar:
                    task = bar.add_task(f"Import de {path.name}", total=None)
                    report = import_file(
                        store, path, sheet=sheet, mapping=columns, dry_run=dry_run,
                        partial=partial,
                        template=TEMPLATES[template_key] if template_key else None,
                        progress=lambda done, total, t=task: bar.update(t, completed=done,
                                                                        total=total))
            except IngestError as exc:
                failed = True
                err.print(f"[red]Import refusé, rien n'a été écrit[/red] ({len(exc.errors)} "
                          "erreur(s)) :")
                for error in exc.errors[:50]:
                    err.print(f"  • {error}")
                continue
            if as_json:
                outputs.extend(r.as_dict() for r in report.rows)
                continue
            console.print(("[yellow]Simulation[/yellow] — " if dry_run else "") +
                          report.summary_fr())
            for row in report.rows:
                for message in row.errors:
                    err.print(f"  • {message}"
                              + (f" (candidats : {', '.join(row.candidates)})"
                                 if row.candidates else ""))
    if as_json:
        typer.echo(json.dumps(outputs, ensure_ascii=False, indent=1))
    if failed:
        raise typer.Exit(1)


@app.command()
def review(
    settle: Annotated[str | None, typer.Option(help="Clé de l'élément à arbitrer.")] = None,
    as_key: Annotated[str | None, typer.Option(
        "--as", help="Clé de la collectivité retenue (ex. commune:79162).")] = None,
    dismiss: Annotated[str | None, typer.Option(help="Écarter un élément.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Aussi les éléments arbitrés.")]
    = False,
) -> None:
    """Lister les lignes non résolues et les arbitrer."""
    from ingest.review import ReviewError, dismiss_item, settle_item

    with opened_store() as store:
        try:
            if settle:
                if not as_key:
                    err.print("[red]--settle demande --as CLÉ[/red]")
                    raise typer.Exit(2)
                created = settle_item(store, settle, as_key)
                console.print(f"Arbitré : {settle} → {as_key} ({created} relation(s) écrite(s)).")
                return
            if dismiss:
                dismiss_item(store, dismiss)
                console.print(f"Écarté : {dismiss}")
                return
        except ReviewError as exc:
            err.print(f"[red]Erreur :[/red] {exc}")
            raise typer.Exit(2) from None
        items = store.review_items(None if show_all else "open")
        names = store.get_nodes(sorted({c for i in items for c in i.candidates}))
    if not items:
        console.print("Rien à vérifier.")
        return
    table = Table(title=f"À vérifier ({len(items)})")
    for col in ("clé", "fichier, lignes", "collectivité", "raison", "candidats", "état"):
        table.add_column(col)
    for item in items:
        cands = "\n".join(f"{c} ({names[c].name})" if c in names else c for c in item.candidates)
        table.add_row(item.key, f"{item.file} : {', '.join(map(str, item.lines))}", item.name,
                      item.reason, cands, item.status + (f" → {item.resolution}"
                                                         if item.resolution else ""))
    console.print(table)
    console.print("Arbitrer : maillage review --settle CLÉ --as commune:XXXXX")


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
    from ingest.errors import IngestError
    from ingest.official import refresh_geography

    with opened_store() as store:
        try:
            counts = refresh_geography(store, communes, epci, departements, regions, bassins,
                                       dry_run=dry_run)
        except IngestError as exc:
            err.print(f"[red]Mise à jour refusée, rien n'a été écrit :[/red] {exc}")
            raise typer.Exit(1) from None
    console.print(("Simulation — " if dry_run else "") +
                  f"{counts.get('create', 0)} créés, {counts.get('update', 0)} mis à jour, "
                  f"{counts.get('unchanged', 0)} inchangés.")


@app.command()
def template(
    kind: Annotated[str, typer.Argument(
        help="Modèle : actions, organisations, projets, personnes.")] = "actions",
    output: Annotated[Path, typer.Option("-o", "--output", help="Dossier de sortie.")]
    = Path("."),
) -> None:
    """Écrire un modèle vide, en CSV et en XLSX, avec une ligne d'exemple."""
    from ingest.templates import TEMPLATES, write_template

    if kind not in TEMPLATES:
        err.print(f"[red]Modèle inconnu « {kind} » :[/red] " + ", ".join(TEMPLATES))
        raise typer.Exit(2)
    for path in write_template(TEMPLATES[kind], output):
        console.print(f"Modèle écrit : {path}")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False) -> None:
    """Compter les nœuds par type et les relations par type."""
    with opened_store() as store:
        counts = store.counts()
    if as_json:
        typer.echo(json.dumps(counts.model_dump(), ensure_ascii=False, indent=1))
        return
    for title, data in (("Nœuds", counts.nodes), ("Relations", counts.relationships)):
        table = Table(title=title)
        table.add_column("type")
        table.add_column("nombre", justify="right")
        for name, count in data.items():
            table.add_row(name, f"{count:,}".replace(",", "\u202f"))
        table.add_row("[b]total[/b]", f"[b]{sum(data.values())}[/b]")
        console.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="json ou graphml.")] = "json",
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Fichier (sinon la sortie standard).")] = None,
) -> None:
    """Exporter tout le graphe en JSON ou GraphML."""
    if fmt not in ("json", "graphml"):
        err.print(f"[red]Format inconnu « {fmt} » :[/red] choisir json ou graphml.")
        raise typer.Exit(2)
    with opened_store() as store:
        nodes, rels = store.export()
    if fmt == "json":
        if output is None:
            write_json(nodes, rels, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as fh:
                write_json(nodes, rels, fh)
    else:
        graph = to_networkx(nodes, rels)
        if output is None:
            write_graphml(graph, sys.stdout.buffer)
        else:
            write_graphml(graph, output)
    if output is not None:
        err.print(f"{len(nodes)} nœuds et {len(rels)} relations exportés dans {output}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    public_reads: Annotated[bool, typer.Option(
        help="Lectures sans jeton même hors de la boucle locale.")] = False,
) -> None:
    """Lancer l'API (et l'explorateur) sur http://HOST:PORT/."""
    import os

    import uvicorn

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback and not public_reads:
        # Open reads are for a laptop; on a network, the token guards them too.
        os.environ["MAILLAGE_PROTECT_READS"] = "true"
    get_settings.cache_clear()
    settings = get_settings()
    if not loopback and not settings.api_token:
        err.print("[yellow]Attention :[/yellow] aucun MAILLAGE_API_TOKEN : lectures et "
                  "écritures refusées hors de la boucle locale.")
    from service.api import create_app

    console.print(f"Maillage sur http://{host}:{port}/ (base : {settings.store_url})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


# Commands on the analysis register themselves on `app`.
from service import analysis_cli  # noqa: E402,F401

if __name__ == "__main__":
    app()
