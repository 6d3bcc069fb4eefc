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
    with opened_store() as store:
        if reset:
            store.clear()
        store.setup_schema()
        console.print(f"Base prête : {store.url}")


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


if __name__ == "__main__":
    app()
