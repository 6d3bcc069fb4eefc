"""Use cases that bring spreadsheets in: import (or simulate) a file, list the rows to
review and settle or dismiss them, refresh the geography, load the reference."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph.model import ReviewItem, UpsertSummary
from graph.store import StoreError
from ingest.errors import IngestError, RowError
from ingest.geography import refresh_geography
from ingest.importer import ImportReport, Progress, import_file
from ingest.merge import MergeError, merge_nodes, undo_merge
from ingest.reference.load import load_reference
from ingest.review import ReviewError, dismiss_item, settle_item
from ingest.templates import TEMPLATES, Template, template_names
from service.context import Conflict, Context, NotFound, Refused
from service.schemas import MAX_LISTED, ImportResult
from service.settings import Settings


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
    chosen = template(template_name)
    with ctx.store.audited("import", label=display_name or path.name) as entry:
        report = import_file(ctx.store, path, sheet=sheet, display_name=display_name,
                             mapping=dict(mapping or {}), dry_run=dry_run, partial=partial,
                             template=chosen, progress=progress, home=ctx.settings.region)
    report.audit = entry.id if entry.at else ""  # an entry only if something was written
    return report


#: What :func:`import_in_worker` sends back: ``("ok", JSON)``, ``("ingest", errors)`` or
#: ``(exception class name, French message)``.
WorkerAnswer = tuple[str, Any]
_RAISED: dict[str, type[Exception]] = {"NotFound": NotFound, "Refused": Refused,
                                       "Conflict": Conflict, "StoreError": StoreError}


def import_in_worker(settings: Settings, path: Path, name: str, dry_run: bool,
                     partial: bool) -> WorkerAnswer:
    """An HTTP import, run in a worker process: its memory and its garbage-collection
    pauses are not the server's, which keeps answering meanwhile. The answer lists the
    first :data:`MAX_LISTED` rows and errors (the summary counts them all)."""
    ctx = Context.open(settings, who=settings.api_writer)
    try:
        report = import_spreadsheet(ctx, path, display_name=name, dry_run=dry_run,
                                    partial=partial)
    except IngestError as exc:
        return "ingest", [e.model_dump() for e in exc.errors]
    except (NotFound, Refused, Conflict, StoreError) as exc:
        return type(exc).__name__ if type(exc).__name__ in _RAISED else "StoreError", str(exc)
    finally:
        ctx.close()
    return "ok", ImportResult(
        file=report.file, template=report.template, written=report.written,
        summary=report.summary_fr(), rows=[r.as_dict() for r in report.rows[:MAX_LISTED]],
        rows_total=len(report.rows), errors=[str(e) for e in report.errors[:MAX_LISTED]],
        errors_total=len(report.errors), audit=report.audit).model_dump_json()


def worker_result(answer: WorkerAnswer) -> bytes:
    """The JSON of a worker's answer, or its error raised again here."""
    kind, payload = answer
    if kind == "ok":
        return str(payload).encode()
    if kind == "ingest":
        raise IngestError([RowError.model_validate(e) for e in payload])
    raise _RAISED.get(kind, StoreError)(str(payload))


STATUS_FR = {"open": "à vérifier", "settled": "arbitré", "dismissed": "écarté"}
SHORT_ID = 8


def short_id(key: str) -> str:
    """The id a user types: the first characters of the item's digest.

    >>> short_id("review:0123456789abcdef")
    '01234567'
    """
    return key.removeprefix("review:")[:SHORT_ID]


def review_items(ctx: Context, status: str | None = "open") -> list[ReviewItem]:
    return ctx.store.review_items(status)


def find_item(ctx: Context, ref: str) -> ReviewItem:
    """The review item a full key or a unique short id names."""
    wanted = ref.strip().removeprefix("review:")
    found = [i for i in ctx.store.review_items() if i.key.removeprefix("review:")
             .startswith(wanted)] if wanted else []
    if len(found) != 1:
        raise NotFound(f"élément « {ref} » introuvable dans la liste à vérifier" if not found
                       else f"« {ref} » désigne plusieurs éléments : donnez plus de caractères")
    return found[0]


def describe(ctx: Context, items: list[ReviewItem]) -> list[dict[str, object]]:
    """Review items as the user reads them: short id, French status, each candidate with
    its name and département."""
    nodes = ctx.store.get_nodes(sorted({c for i in items for c in i.candidates}))
    deps = ctx.store.get_nodes(sorted({f"departement:{n.props['departement']}"
                                       for n in nodes.values() if n.props.get("departement")}))

    def candidate(key: str) -> dict[str, object]:
        node = nodes.get(key)
        dep = deps.get(f"departement:{node.props.get('departement')}") if node else None
        return {"key": key, "name": node.name if node else None,
                "departement": dep.name if dep else None}

    return [{"id": short_id(i.key), "key": i.key, "file": i.file, "lines": i.lines,
             "name": i.name, "reason": i.reason, "status": STATUS_FR.get(i.status, i.status),
             "resolution": i.resolution, "candidates": [candidate(c) for c in i.candidates],
             "country_missing": i.template == "actions" and not (i.row.get("pays") or "").strip()}
            for i in items]


def settle(ctx: Context, ref: str, chosen: str) -> int:
    """Attach a review item to the chosen collectivité (or, for a row without its
    partner's country, to that country); returns the relations written."""
    item = find_item(ctx, ref)
    try:
        with ctx.store.audited("review", label=f"{item.name} → {chosen}"):
            return settle_item(ctx.store, item.key, chosen, ctx.settings.region)
    except ReviewError as exc:  # the item, as it stands, does not take that choice
        raise Conflict(str(exc)) from None


def dismiss(ctx: Context, ref: str) -> None:
    item = find_item(ctx, ref)
    try:
        with ctx.store.audited("review", label=f"{item.name} écarté"):
            dismiss_item(ctx.store, item.key)
    except ReviewError as exc:
        raise Conflict(str(exc)) from None


def merge(ctx: Context, source: str, target: str) -> ReviewItem:
    """Merge a duplicate node into the one it repeats (relations, attestations, names);
    returns the audit record, whose key undoes it."""
    try:
        with ctx.store.audited("merge", label=f"{source} → {target}"):
            return merge_nodes(ctx.store, source, target)
    except MergeError as exc:
        raise Refused(str(exc)) from None


def undo(ctx: Context, key: str) -> ReviewItem:
    try:
        with ctx.store.audited("merge", label=f"annulation de {key}"):
            return undo_merge(ctx.store, key)
    except MergeError as exc:
        raise NotFound(str(exc)) from None


def load(ctx: Context, reset: bool = False
         ) -> tuple[UpsertSummary, ImportReport, ImportReport | None]:
    """Create the schema and load the bundled reference data and facts."""
    if reset:
        ctx.store.clear()
    ctx.store.setup_schema()
    return load_reference(ctx.store, home=ctx.settings.region)


def refresh(ctx: Context, communes: Path, epci: Path, departements: Path | None,
            regions: Path | None, basins: Path | None, dry_run: bool) -> dict[str, int]:
    with ctx.store.audited("reference", label="géographie officielle", images=False):
        return refresh_geography(ctx.store, communes, epci, departements, regions, basins,
                                 dry_run=dry_run)
