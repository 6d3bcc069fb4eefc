"""The import path every spreadsheet takes, the bundled facts included.

Read → map headers → validate and resolve each row → plan against the store →
write everything in one unit of work (or nothing, when a row is in error and
``partial`` is off). Unresolved rows go to the review list, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.attestations import attested, merge, merge_node
from graph.collection import pausing
from graph.model import Node, NodeKind, Relationship, RelType, ReviewItem, slugify
from graph.store import GraphStore
from graph.writelog import LOG_MAX_KEYS, LOG_WINDOW_MS, new_writes
from ingest.countries import CountryResolver
from ingest.errors import IngestError, RowError
from ingest.joint import JOINT_TEMPLATE, co_signatories, possible_item
from ingest.merge import duplicate_item, probable_duplicates
from ingest.partners import PartnerResolver
from ingest.readers import Table, read_table
from ingest.resolve import HOME_REGION, CollectiviteResolver, clean
from ingest.rows import Resolvers, RowResult, collect
from ingest.templates import Template, detect_template, map_headers

USER_LICENCE = "non précisée (fichier importé par l'utilisateur)"
Progress = Callable[[int, int], None]


@dataclass
class RowRecord:
    """What happens to one data row (the ``--dry-run --json`` record)."""

    line: int
    collectivite: str | None
    confidence: float
    candidates: list[str]
    action: str  # create, update, unchanged, reject
    errors: list[str]
    review: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "collectivite": self.collectivite,
                "confidence": self.confidence, "candidates": self.candidates,
                "action": self.action, "errors": self.errors, "review": self.review,
                "note": self.note}


@dataclass
class ImportReport:
    file: str
    rows: list[RowRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    review: int = 0
    duplicates: int = 0
    possible: int = 0
    written: bool = False
    template: str = ""
    #: the audit entry of the write (``maillage undo`` takes it), if anything was written
    audit: str = ""

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary_fr(self) -> str:
        parts = [f"{self.file} : {len(self.rows)} lignes",
                 f"{self.count('create')} à créer" if not self.written
                 else f"{self.count('create')} créées",
                 f"{self.count('update')} mises à jour", f"{self.count('unchanged')} inchangées",
                 f"{self.count('reject')} rejetées"]
        if self.review:
            parts.append(f"dont {self.review} à vérifier (maillage review)")
        if self.possible:
            parts.append(f"{self.possible} partenaire(s) conjoint(s) possible(s) à confirmer "
                         "(maillage review)")
        if self.duplicates:
            parts.append(f"{self.duplicates} doublon(s) probable(s) de lieux (maillage review)")
        if self.audit:
            parts.append(f"annulable par « maillage undo {self.audit} »")
        return ", ".join(parts)


#: Which resolver reads which kinds of node: a write that touches none of them keeps
#: that resolver (a file of actions does not move the communes of France).
_GROUPS: dict[str, tuple[NodeKind, ...]] = {
    "places": (NodeKind.COMMUNE, NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION),
    "countries": (NodeKind.COUNTRY,),
    "partners": (NodeKind.ORGANISATION, NodeKind.PROGRAMME),
}


@dataclass
class _Built:
    generation: int
    seen: frozenset[str]
    clock_ms: int | None
    parts: dict[str, Any]


_cache: dict[tuple[str, str | None], _Built] = {}


def _build(store: GraphStore, group: str, home: str | None,
           contents: Sequence[Node] | None = None) -> Any:
    nodes = collect(store, _GROUPS[group]) if contents is None else _of_kinds(contents,
                                                                             _GROUPS[group])
    if group == "places":
        return CollectiviteResolver(nodes, home)
    return CountryResolver(nodes) if group == "countries" else PartnerResolver(nodes)


def _of_kinds(contents: Sequence[Node], kinds: tuple[NodeKind, ...]) -> list[Node]:
    """What :func:`collect` would read back: per kind, in key order, the last write of
    each key."""
    rank = {kind.value: i for i, kind in enumerate(kinds)}
    last = {n.key: n for n in contents if n.key.partition(":")[0] in rank}
    return sorted(last.values(), key=lambda n: (rank[n.key.partition(":")[0]], n.key))


@pausing
def _resolver_parts(store: GraphStore, home: str | None,
                    contents: Sequence[Node] | None = None) -> dict[str, Any]:
    """The three resolvers, rebuilding only those whose kinds of node were written since
    they were built (the store's write log says which); all when the log cannot tell, or
    from ``contents`` when given."""
    cached = None if contents is not None else _cache.get((store.url, home))
    stale = set(_GROUPS)
    log = None
    if cached is not None and cached.clock_ms is not None:
        log = store.write_log(cached.clock_ms - LOG_WINDOW_MS)
        writes = new_writes(log, cached.generation, cached.seen, LOG_MAX_KEYS)
        if writes is not None:
            touched = {key.partition(":")[0] for w in writes for key in w.nodes}
            stale = {g for g, kinds in _GROUPS.items() if touched & {k.value for k in kinds}}
    if contents is not None:
        # built from what the caller wrote, not read back: the log may be read after (on
        # Bolt, the build then runs while the server is still taking the queued writes)
        parts = {group: _build(store, group, home, contents) for group in sorted(stale)}
    # read before the nodes: the resolvers show at least this generation
    log = log if log is not None and cached is not None else store.write_log()
    if contents is None:
        parts = dict(cached.parts) if cached is not None else {}
        for group in sorted(stale):
            parts[group] = _build(store, group, home)
    _cache.clear()  # one store at a time: the national resolvers weigh tens of MB
    _cache[(store.url, home)] = _Built(
        log.generation if log else store.generation(),
        frozenset(w.id for w in log.writes) if log else frozenset(),
        log.now_ms if log else None, parts)
    return parts


def resolvers_for(store: GraphStore, home: str | None = HOME_REGION,
                  contents: Sequence[Node] | None = None) -> Resolvers:
    """Resolvers over the store's current content, rebuilt only when the store changed;
    homonyms are read in the ``home`` région first. ``contents``: every node the store
    holds, when the caller has just written them into an empty store (not read back)."""
    parts = _resolver_parts(store, home, contents)
    settled = {i.key: i.resolution for i in store.review_items("settled") if i.resolution}

    def ties(node: str) -> set[str]:
        return {n.node.key for n in store.neighbours(node)}

    projects: dict[str, str] = {}
    known = collect(store, (NodeKind.PROJECT,)) if contents is None else _of_kinds(
        contents, (NodeKind.PROJECT,))
    for project in sorted(known, key=lambda n: n.key):
        projects.setdefault(project.key.split(":", 1)[1].split("-", 1)[-1], project.key)
    return Resolvers(parts["places"], parts["countries"], parts["partners"], settled=settled,
                     ties=ties, projects=projects)


def _rows(table: Table, mapping: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(line, {mapping[h]: v for h, v in cells.items() if h in mapping})
            for line, cells in table.rows]


@pausing  # a file's rows make objects by the thousand; the resolvers of France stay
def import_table(store: GraphStore, table: Table, *, template: Template | None = None,
                 mapping: dict[str, str] | None = None, dry_run: bool = False,
                 partial: bool = False, licence: str | None = None,
                 resolvers: Resolvers | None = None, home: str | None = HOME_REGION,
                 progress: Progress | None = None) -> ImportReport:
    report = ImportReport(file=table.file)
    template = template or detect_template(table.headers, table.file, mapping)
    report.template = template.key
    licence = licence or template.licence or USER_LICENCE
    columns, header_errors = map_headers(table.headers, template, table.file, mapping)
    if header_errors:
        raise IngestError(header_errors)
    if not table.rows:
        raise IngestError([RowError(file=table.file, reason="aucune ligne de données")])
    resolvers = resolvers or resolvers_for(store, home)
    results: list[RowResult] = []
    seen: dict[tuple[str, ...], int] = {}
    rows = _rows(table, columns)
    # a template that reads each row against the whole file gathers that first
    extra = template.prepare([row for _, row in rows], resolvers, store) \
        if template.prepare else {}
    for index, (line, row) in enumerate(rows, start=1):
        result = template.convert_row(row, line, table.file, resolvers, licence, **extra)
        signature = tuple(clean(row.get(c.name, "")) for c in template.columns)
        if signature in seen:
            result.errors.append(RowError(file=table.file, line=line,
                                          reason=f"ligne en double (identique à la ligne "
                                                 f"{seen[signature]})"))
        else:
            seen[signature] = line
        results.append(result)
        if progress:
            progress(index, len(rows))

    report.errors = [e for r in results for e in r.errors]
    if report.errors and not partial and not dry_run:
        raise IngestError(report.errors)

    good = [r for r in results if not r.errors and r.collectivite]
    # A place or project named by several rows keeps the provenance of the first one, and
    # every other name the rows give it.
    nodes = _with_aliases(
        list({n.key: n for r in reversed(good) for n in reversed(r.nodes)}.values())[::-1],
        [n for r in good for n in r.nodes])
    primary = list({n.key: n for r in good for n in r.primary}.values())
    # A record the file is about is updated, never replaced: known values stay unless the
    # file restates them, and each property remembers which file set it.
    known = store.get_nodes([n.key for n in primary])
    primary = [merge_node(known[n.key], n) if n.key in known else n for n in primary]
    # Places, projects and partners named in a row are created when new, never rewritten:
    # a free-text mention must not overwrite a curated record.
    node_plan = {k: ("create" if a == "create" else "unchanged")
                 for k, a in store.plan_nodes(nodes).items()}
    stated = [x for r in good for x in r.rels]
    rels = merge_known(store, stated + _joint(
        store, stated, {k for k, a in node_plan.items() if a == "create"}))
    primary_plan = store.plan_nodes(primary)
    nodes = [n for n in nodes if node_plan[n.key] == "create" and n.key not in primary_plan]
    node_plan.update(primary_plan)
    nodes += [n for n in primary if primary_plan[n.key] != "unchanged"]
    # Same for the structural links of those records (a place in its country): only the
    # facts themselves, whose keys carry the row's discriminator, are updated.
    rel_plan = {k: ("unchanged" if a == "update" and "#" not in k else a)
                for k, a in store.plan_relationships(rels).items()}
    rels = [x for x in rels if rel_plan[x.key] != "unchanged"]
    reviews = _review_items(table.file, template.key,
                            [r for r in results if not r.errors and not r.collectivite])
    reviews += [possible_item(table.file, r.line, str(r.collectivite), r.name, key, clause,
                              next((x.provenance.source for x in r.rels), f"{table.file}:{r.line}"),
                              licence)
                for r in good for key, clause in r.possible]
    duplicates = _duplicates(store, table.file, nodes, good)
    report.duplicates = len(duplicates)
    reviews += duplicates
    for r in results:
        if r.errors or not r.collectivite:
            action = "reject"
        else:
            actions = ({node_plan.get(n.key, "unchanged") for n in [*r.nodes, *r.primary]}
                       | {rel_plan[x.key] for x in r.rels})
            action = next((a for a in ("create", "update") if a in actions), "unchanged")
        messages = [str(e) for e in r.errors]
        if not r.errors and not r.collectivite:
            messages.append(f"{table.file}, ligne {r.line}, colonne « {template.columns[0].name} »"
                            " : à vérifier"
                            f" — {r.review_reason}")
        report.rows.append(RowRecord(r.line, r.collectivite, r.confidence, r.candidates, action,
                                     messages, review=not r.errors and not r.collectivite,
                                     note=r.note))
    report.review = len({i.key for i in reviews if i.template == template.key})
    report.possible = len({i.key for i in reviews if i.template == JOINT_TEMPLATE})
    for action in node_plan.values():
        report.nodes[action] = report.nodes.get(action, 0) + 1
    for action in rel_plan.values():
        report.relationships[action] = report.relationships.get(action, 0) + 1
    if dry_run:
        return report
    with store.transaction():
        store.upsert_nodes(nodes)
        store.upsert_relationships(rels)
        existing = {i.key: i for i in store.review_items()}
        store.put_review_items([i for i in reviews if i.key not in existing])
    report.written = True
    return report


JOINT_TYPES = (RelType.TWINNED_WITH, RelType.COOPERATES_WITH)


def _joint(store: GraphStore, stated: list[Relationship],
           absent: Collection[str] = ()) -> list[Relationship]:
    """Co-signatories among the collectivités tied to the same foreign partners, from
    these rows and from what the store already knows of those partners (``absent``: the
    places it does not hold yet, which it knows nothing of)."""
    facts = [r for r in stated if r.type in JOINT_TYPES and "#" in r.key
             and r.end.startswith("territory:")]
    places = sorted({r.end for r in facts if r.end not in absent})
    known = [r for r in store.relationships_to(places, [t.value for t in JOINT_TYPES])
             if "#" in r.key] if places else []
    everyone = {r.key: r for r in [*known, *facts]}
    parties: dict[str, set[str]] = {}
    for r in everyone.values():
        parties.setdefault(r.end, set()).add(r.start)
    # a partner with one French party has no co-signatory: its party need not be read
    shared = [r for r in everyone.values() if len(parties[r.end]) > 1]
    return co_signatories(shared, store.get_nodes(sorted({r.start for r in shared})))


def _duplicates(store: GraphStore, file: str, nodes: list[Node],
                good: list[RowResult]) -> list[ReviewItem]:
    """Review items for the new foreign places that probably repeat a known one."""
    new = [n for n in nodes if n.kind is NodeKind.TERRITORY]
    countries = sorted({str(n.props.get("country")) for n in new if n.props.get("country")})
    known = [n for n in store.nodes_of_kind(NodeKind.TERRITORY)
             if str(n.props.get("country")) in countries]
    line = {n.key: r.line for r in reversed(good) for n in r.nodes}
    pairs = {tuple(sorted((a.key, b.key))): (a, b)
             for a, b in probable_duplicates(new, known + new)}
    return [duplicate_item(file, line.get(a.key, 0), a, b) for a, b in pairs.values()]


def merge_known(store: GraphStore, rels: list[Relationship]) -> list[Relationship]:
    """One relationship per key. A fact (a key with a discriminator) carries every
    attestation: those of the rows that state it and those the store already holds, so a
    restated fact adds its source and erases none. A structural link (a place in its
    country) is the first row's."""
    by_key: dict[str, Relationship] = {}
    for rel in rels:
        if "#" not in rel.key:
            by_key.setdefault(rel.key, rel)
            continue
        rel = rel if "attestations" in rel.props else attested(rel)  # not twice: same text
        by_key[rel.key] = merge(by_key[rel.key], rel) if rel.key in by_key else rel
    facts = [k for k in by_key if "#" in k]
    for key, known in store.get_relationships(facts).items():
        by_key[key] = merge(known, by_key[key])
    return list(by_key.values())


def _with_aliases(nodes: list[Node], mentions: list[Node]) -> list[Node]:
    """Each node with every other name the rows give it: their aliases, and their own
    names when they differ by more than case, accents or punctuation (« Association
    Poitiers-Moundou » for « Association Poitiers Moundou (APM) »)."""
    aliases: dict[str, set[str]] = {}
    for n in mentions:
        names = n.props.get("aliases")
        aliases.setdefault(n.key, set()).update(
            [n.name, *(str(a) for a in names)] if isinstance(names, list) else [n.name])
    out = []
    for n in nodes:
        known = {a for a in aliases.get(n.key, set()) if slugify(a) != slugify(n.name)}
        if known:
            n = n.model_copy(update={"props": {**n.props, "aliases": sorted(known)}})
        out.append(n)
    return out


def _review_items(file: str, template: str, results: list[RowResult]) -> list[ReviewItem]:
    items: dict[str, ReviewItem] = {}
    for r in results:
        if r.review_key in items:
            items[r.review_key].lines.append(r.line)
            continue
        items[r.review_key] = ReviewItem(key=r.review_key, file=file, lines=[r.line],
                                         name=r.name, row=r.row, reason=r.review_reason,
                                         candidates=r.candidates, template=template)
    return list(items.values())


def import_file(store: GraphStore, path: Path, *, sheet: str | None = None,
                display_name: str | None = None, **options: Any) -> ImportReport:
    table = read_table(path, sheet=sheet, display_name=display_name)
    return import_table(store, table, **options)

