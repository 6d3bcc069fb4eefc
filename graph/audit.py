"""The audit trail: every committed write is one entry saying who, when, what and, for the
writes that can be undone, each record before and after.

Pure data and helpers; the stores write entries in the write's own transaction
(:class:`graph.store.BaseStore`), :mod:`graph.history` reads them back (history, undo,
erasure).
"""

from __future__ import annotations

import base64
import secrets
import zlib
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter
from typing_extensions import TypedDict

from graph.model import Node, Relationship, ReviewItem

RecordKind = Literal["node", "rel", "review"]
Record = Node | Relationship | ReviewItem
Image = dict[str, Any]
#: An entry lists the keys it touched up to this many (history by key); beyond, it says
#: only how many (a national reference load).
MAX_LISTED_KEYS = 5000
#: An entry's JSON longer than this is kept compressed: the images of a 20,000-row import
#: weigh 46 M characters as JSON, 4.4 M kept (3.3 MB compressed, in base64); a short
#: entry stays readable as it is.
PACK_ABOVE = 4096
PACKED = "audit+zlib:"
#: What replaces erased personal data in the texts that kept it.
ERASED = "[effacé]"
#: Actions, as the history shows them.
ACTIONS = {
    "write": "écriture", "import": "import", "reference": "chargement de référence",
    "api": "écriture par l'API", "review": "revue", "merge": "fusion",
    "erase": "effacement (RGPD)", "undo": "annulation", "clear": "remise à zéro",
    "restore": "restauration", "crm": "suivi",
}


class Change(BaseModel):
    """One record before and after a write (``None``: absent)."""

    kind: RecordKind
    key: str
    before: Image | None = None
    after: Image | None = None


class AuditEntry(BaseModel):
    """One committed write."""

    id: str
    at: str
    who: str = "système"
    action: str = "write"
    label: str = ""
    #: with its records before and after: :func:`graph.history.undo` can revert it
    undoable: bool = True
    #: the entry this one reverted
    undoes: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    keys: list[str] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    #: set when personal data was removed from this entry (the erasure itself is an entry)
    redacted: bool = False

    def touches(self, key: str) -> bool:
        return key in self.keys or any(key in (c.key,) for c in self.changes)

    def summary_fr(self) -> str:
        parts = [f"{n} {what}" for what, n in sorted(self.counts.items()) if n]
        return ", ".join(parts) or "aucun changement"


_CHANGES = TypeAdapter(list[Change])


def new_entry_id() -> str:
    """A short, sortable id: the UTC time then random hex (``20261129T220501-3fa2c1``)."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def pack(entry: AuditEntry, changes: bytes | None = None) -> str:
    """An entry as the stores keep it. A long one is its summary (JSON, one line) then its
    changes compressed (zlib, fastest level, in base64): a listing reads the summaries
    without opening the changes. ``changes``: the entry's changes already as JSON
    (:func:`changes_json`), which ``entry.changes`` then need not hold.

    >>> e = AuditEntry(id="1", at="2026", counts={"nœud(s) créé(s)": 300}, changes=[
    ...     Change(kind="node", key=f"territory:bf-{i}", after={"name": "Atakpamé"})
    ...     for i in range(300)])
    >>> kept = pack(e)
    >>> kept.startswith(PACKED), len(kept) * 5 < len(e.model_dump_json()), unpack(kept) == e
    (True, True, True)
    >>> head = unpack(kept, changes=False)
    >>> head.counts, head.changes
    ({'nœud(s) créé(s)': 300}, [])
    >>> short = AuditEntry(id="2", at="2026")
    >>> pack(short) == short.model_dump_json() and unpack(pack(short)) == short
    True
    """
    body = _CHANGES.dump_json(entry.changes) if changes is None else changes
    head = entry.model_dump_json(exclude={"changes"})
    if len(head) + len(body) <= PACK_ABOVE:
        if changes is not None:
            entry = entry.model_copy(update={"changes": _CHANGES.validate_json(body)})
        return entry.model_dump_json()
    return PACKED + head + "\n" + base64.b64encode(zlib.compress(body, 1)).decode("ascii")


class _Written(TypedDict):
    """A change as :class:`Change` reads it back, its images still records."""

    kind: RecordKind
    key: str
    before: Record | None
    after: Record | None


_WRITTEN = TypeAdapter(list[_Written])


def changes_json(changes: list[tuple[RecordKind, str, Record | None, Record | None]]) -> bytes:
    """``(kind, key, before, after)`` as the JSON of a list of :class:`Change`, the records
    serialised in one pass (a national import's 74,000 images: no dict made for each).

    >>> from graph.model import Provenance
    >>> n = Node(key="theme:eau", name="Eau", provenance=Provenance(
    ...     source="s", licence="l", ingested_at="2026"))
    >>> [c.after == image(n) for c in _CHANGES.validate_json(changes_json(
    ...     [("node", n.key, None, n)]))]
    [True]
    """
    return _WRITTEN.dump_json([{"kind": kind, "key": key, "before": before, "after": after}
                               for kind, key, before, after in changes])


def unpack(data: str, changes: bool = True) -> AuditEntry:
    """The entry :func:`pack` kept; without its changes (``[]``) if ``changes`` is false
    and they were kept apart."""
    if data.startswith(PACKED):
        head, _, body = data[len(PACKED):].partition("\n")
        entry = AuditEntry.model_validate_json(head)
        if changes:
            entry.changes = _CHANGES.validate_json(zlib.decompress(base64.b64decode(body)))
        return entry
    return AuditEntry.model_validate_json(data)


def image(record: Node | Relationship | ReviewItem) -> Image:
    return record.model_dump(mode="json")


def node_of(img: Image) -> Node:
    return Node.model_validate(img)


def rel_of(img: Image) -> Relationship:
    return Relationship.model_validate(img)


def review_of(img: Image) -> ReviewItem:
    return ReviewItem.model_validate(img)


def count_key(change: Change) -> str:
    """« nœud(s) créé(s) », « relation(s) supprimée(s) »… : what :attr:`AuditEntry.counts`
    sums, agreed in gender.

    >>> count_key(Change(kind="rel", key="k", after={}))
    'relation(s) créée(s)'
    >>> count_key(Change(kind="review", key="k", before={}, after={}))
    'élément(s) de revue modifié(s)'
    """
    return counted(change.kind, change.before is None, change.after is None)


def counted(kind: RecordKind, created: bool, deleted: bool) -> str:
    """:func:`count_key` of a change known by its kind and whether it created or deleted."""
    what, ending = {"node": ("nœud(s)", "(s)"), "rel": ("relation(s)", "e(s)"),
                    "review": ("élément(s) de revue", "(s)")}[kind]
    if created:
        return f"{what} créé{ending}"
    if deleted:
        return f"{what} supprimé{ending}"
    return f"{what} modifié{ending}"


def redact_value(value: Any, secrets_: list[str]) -> Any:
    """``value`` with every occurrence of the erased texts replaced (case kept elsewhere).

    >>> redact_value({"notes": "Vu Marie Dupont (marie@x.fr)"}, ["Marie Dupont", "marie@x.fr"])
    {'notes': 'Vu [effacé] ([effacé])'}
    """
    if isinstance(value, str):
        for secret in secrets_:
            if secret:
                value = _replace_folded(value, secret)
        return value
    if isinstance(value, list):
        return [redact_value(v, secrets_) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v, secrets_) for k, v in value.items()}
    return value


def _replace_folded(text: str, secret: str) -> str:
    # case-insensitive on the text as written (a name can be typed in capitals)
    lower, needle = text.lower(), secret.lower()
    out, start = [], 0
    while (found := lower.find(needle, start)) >= 0:
        out.append(text[start:found] + ERASED)
        start = found + len(needle)
    return "".join(out) + text[start:]


def mentions(value: Any, secrets_: list[str]) -> bool:
    """Whether any erased text appears in ``value`` (any depth, any case)."""
    return bool(redact_value(value, secrets_) != value)
