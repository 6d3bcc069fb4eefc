"""Use cases that bring spreadsheets in: import (or simulate) a file, list the rows to
review and settle or dismiss them, refresh the geography, load the reference."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from graph.model import ReviewItem, UpsertSummary
from ingest.geography import refresh_geography
from ingest.importer import ImportReport, Progress, import_file
from ingest.reference.load import load_reference
from ingest.review import ReviewError, dismiss_item, settle_item
from ingest.templates import TEMPLATES, Template, template_names
from service.context import Context, NotFound


def template(name: str | None) -> Template | None:
    """The template a user names (``None``: recognised from the headers)."""
    if name is None:
        return None
    if name not in TEMPLATES:
        raise NotFound(f"modèle inconnu « {name} » : {template_names()}")
    return TEMPLATES[name]


def import_spreadsheet(ctx: Context, path: Path, *, display_name: str | None = None,
                       sheet: str | None = None, mapping: Mapping[str, str] | None = None,
                       template_name: str | None = None, dry_run: bool = False,
                       partial: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import one CSV or XLSX file, all or nothing (``partial``: the valid rows); raises
    :class:`ingest.errors.IngestError` with every error found when nothing was written."""
    return import_file(ctx.store, path, sheet=sheet, display_name=display_name,
                       mapping=dict(mapping or {}), dry_run=dry_run, partial=partial,
                       template=template(template_name), progress=progress)


def review_items(ctx: Context, status: str | None = "open") -> list[ReviewItem]:
    return ctx.store.review_items(status)


def candidate_names(ctx: Context, items: list[ReviewItem]) -> dict[str, str]:
    nodes = ctx.store.get_nodes(sorted({c for i in items for c in i.candidates}))
    return {k: n.name for k, n in nodes.items()}


def settle(ctx: Context, key: str, chosen: str) -> int:
    """Attach a review item to the chosen collectivité; returns the relations written."""
    try:
        return settle_item(ctx.store, key, chosen)
    except ReviewError as exc:
        raise NotFound(str(exc)) from None


def dismiss(ctx: Context, key: str) -> None:
    try:
        dismiss_item(ctx.store, key)
    except ReviewError as exc:
        raise NotFound(str(exc)) from None


def load(ctx: Context, reset: bool = False) -> tuple[UpsertSummary, ImportReport]:
    """Create the schema and load the bundled reference data and facts."""
    if reset:
        ctx.store.clear()
    ctx.store.setup_schema()
    return load_reference(ctx.store)


def refresh(ctx: Context, communes: Path, epci: Path, departements: Path | None,
            regions: Path | None, basins: Path | None, dry_run: bool) -> dict[str, int]:
    return refresh_geography(ctx.store, communes, epci, departements, regions, basins,
                             dry_run=dry_run)
