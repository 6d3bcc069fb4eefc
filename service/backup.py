"""Backup and restore: everything a store holds (nodes with their attestations and personal
data, relations, the review queue with the merge audit) in one JSON Lines file.

The file is sorted and carries no store-specific value, so a backup of SQLite restored on
Neo4j and backed up again gives the same file but for the date on its first line. A file
name ending in ``.gz`` is compressed.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from graph.model import Node, Relationship, ReviewItem, now_iso
from graph.store import GraphStore

FORMAT = "maillage-sauvegarde/1"


class BackupError(Exception):
    """The file is not a backup this version can restore; nothing was written."""


@dataclass(frozen=True)
class Contents:
    nodes: list[Node]
    relationships: list[Relationship]
    review: list[ReviewItem]

    def summary(self) -> str:
        return (f"{len(self.nodes)} nœuds, {len(self.relationships)} relations, "
                f"{len(self.review)} éléments de revue")


def _open(path: Path, mode: str, compressed: bool | None = None) -> IO[str]:
    if path.suffix == ".gz" if compressed is None else compressed:
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8", newline="\n")


def _line(record: str, data: dict[str, Any]) -> str:
    return json.dumps({"record": record, **data}, ensure_ascii=False, sort_keys=True) + "\n"


def lines(store: GraphStore) -> Iterator[str]:
    """The backup of ``store``, line by line (the first line says when and what)."""
    nodes, rels = store.export()
    review = store.review_items()
    yield _line("meta", {"format": FORMAT, "created_at": now_iso(), "nodes": len(nodes),
                         "relationships": len(rels), "review": len(review)})
    for node in sorted(nodes, key=lambda n: n.key):
        yield _line("node", node.model_dump(mode="json"))
    for rel in sorted(rels, key=lambda r: r.key):
        yield _line("relationship", rel.model_dump(mode="json"))
    for item in sorted(review, key=lambda i: i.key):
        yield _line("review", item.model_dump(mode="json"))


def backup(store: GraphStore, path: Path) -> Contents:
    """Write the backup of ``store`` to ``path`` (through a temporary file: an interrupted
    backup never leaves a half file under the final name)."""
    partial = path.with_name(path.name + ".partiel")
    with _open(partial, "w", compressed=path.suffix == ".gz") as fh:
        fh.writelines(lines(store))
    partial.replace(path)
    return read(path)


def read(path: Path) -> Contents:
    """Parse and validate a whole backup; :class:`BackupError` in French on the first fault."""
    nodes: list[Node] = []
    rels: list[Relationship] = []
    review: list[ReviewItem] = []
    models: dict[str, tuple[type[Any], list[Any]]] = {
        "node": (Node, nodes), "relationship": (Relationship, rels), "review": (ReviewItem, review)}
    meta: dict[str, Any] | None = None
    try:
        with _open(path, "r") as fh:
            for number, text in enumerate(fh, start=1):
                where = f"{path.name}, ligne {number}"
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise BackupError(f"{where}, colonne {exc.colno} : JSON illisible "
                                      f"({exc.msg})") from None
                record = data.pop("record", None) if isinstance(data, dict) else None
                if number == 1:
                    if record != "meta" or data.get("format") != FORMAT:
                        raise BackupError(f"{where} : ce n'est pas une sauvegarde Maillage "
                                          f"(format {FORMAT} attendu)")
                    meta = data
                    continue
                if record not in models:
                    raise BackupError(f"{where} : enregistrement « {record} » inconnu")
                model, into = models[record]
                try:
                    into.append(model.model_validate(data))
                except ValidationError as exc:
                    first = exc.errors()[0]
                    field = ".".join(str(p) for p in first["loc"])
                    raise BackupError(f"{where}, champ « {field} » : {first['msg']}") from None
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"{path.name} : fichier illisible ({exc})") from None
    if meta is None:
        raise BackupError(f"{path.name} : fichier vide, ce n'est pas une sauvegarde")
    contents = Contents(nodes, rels, review)
    expected = (meta.get("nodes"), meta.get("relationships"), meta.get("review"))
    if expected != (len(nodes), len(rels), len(review)):
        raise BackupError(f"{path.name} : sauvegarde incomplète ({contents.summary()} lus, "
                          f"{expected[0]}, {expected[1]} et {expected[2]} annoncés)")
    return contents


def restore(store: GraphStore, path: Path, replace: bool = False) -> Contents:
    """Load a backup into ``store``, in one transaction. The store must be empty unless
    ``replace``, which first removes everything it holds."""
    contents = read(path)  # the whole file is checked before anything is written
    counts = store.counts()
    if not replace and (any(counts.nodes.values()) or store.review_items()):
        raise BackupError("la base n'est pas vide : restaurer avec --remplacer efface "
                          "tout ce qu'elle contient")
    with store.audited("restore", label=path.name, images=False):
        store.clear()
        store.upsert_nodes(contents.nodes)
        store.upsert_relationships(contents.relationships)
        store.put_review_items(contents.review)
    return contents
