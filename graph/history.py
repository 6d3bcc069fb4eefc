"""What the audit trail is for: the history of a record, undoing one write exactly, and
the GDPR rights on a person (everything held on them; erasure everywhere, the trail
included).
"""

from __future__ import annotations

from typing import Any

from graph.audit import (
    ERASED,
    AuditEntry,
    Change,
    image,
    mentions,
    node_of,
    redact_value,
    rel_of,
    review_of,
)
from graph.model import CONTACT_PROPERTIES, Node, NodeKind, personal_properties
from graph.store import GraphStore, StoreError

#: Personal values shorter than this are not searched for elsewhere (« M. », « 12 »).
MIN_SECRET = 4
#: What a record says about its own processing (RGPD), not about the person: never searched
#: for elsewhere (a purpose « groupe eau » must not erase the « Groupe eau »).
PROCESSING = frozenset({"legal_basis", "purpose", "retain_until"})


class HistoryError(StoreError):
    """An undo or an erasure that cannot be done as asked; the message is French."""


def history(store: GraphStore, key: str | None = None) -> list[AuditEntry]:
    """The audit entries, newest first; only those touching ``key`` if given. A long
    entry comes without its records before and after (see :func:`find_entry`)."""
    # the records before and after stay closed, but where the key may be among them
    entries = store.audit_entries(changes=lambda e: bool(key) and not e.keys)
    if key:
        entries = [e for e in entries if e.touches(key)]
    return entries[::-1]


def find_entry(store: GraphStore, ref: str) -> AuditEntry:
    """The entry an id or a unique beginning of one names."""
    found = [e for e in store.audit_entries() if e.id.startswith(ref.strip())] if ref else []
    if len(found) != 1:
        raise HistoryError(f"écriture « {ref} » introuvable dans l'historique" if not found
                           else f"« {ref} » désigne plusieurs écritures : donnez l'identifiant "
                                "complet")
    return found[0]


def _conflicts(store: GraphStore, entry: AuditEntry) -> list[str]:
    """Records a later write changed since ``entry`` (they would be lost by an undo)."""
    def keys(kind: str) -> list[str]:
        return [c.key for c in entry.changes if c.kind == kind]

    # the records as they are now, read in bulk
    now: dict[str, Any] = {}
    now.update({k: image(n) for k, n in store.get_nodes(keys("node")).items()})
    now.update({k: image(r) for k, r in store.get_relationships(keys("rel")).items()})
    wanted = set(keys("review"))
    now.update({i.key: image(i) for i in store.review_items() if i.key in wanted})
    changed = [c.key for c in entry.changes if now.get(c.key) != c.after]
    undone_rels = set(keys("rel"))
    for change in entry.changes:
        if change.kind == "node" and change.before is None:
            # a relation a later write tied to a node this write created
            changed += [nb.relationship.key for nb in store.neighbours(change.key)
                        if nb.relationship.key not in undone_rels]
    return sorted(set(changed))


def undo(store: GraphStore, ref: str) -> AuditEntry:
    """Revert one write exactly: every record it touched back as it was before, in one
    unit of work that is itself in the trail (and can be undone in turn). Refused if a
    later write changed one of those records (nothing else is touched)."""
    entry = find_entry(store, ref)
    if not entry.undoable:
        raise HistoryError(f"l'écriture {entry.id} ({entry.action}) ne peut pas être annulée : "
                           "l'historique n'en garde pas l'état antérieur")
    with store.audited("undo", label=f"annulation de {entry.id} {entry.label}".strip()
                       ) as new:
        conflicts = _conflicts(store, entry)
        undone = [e.id for e in store.audit_entries() if e.undoes == entry.id] if conflicts \
            else []
        if undone:
            raise HistoryError(f"l'écriture {entry.id} est déjà annulée (par {undone[-1]}, "
                               "qui peut elle-même être annulée)")
        if conflicts:
            raise HistoryError(
                f"annulation de {entry.id} refusée : modifié depuis par une autre écriture : "
                + ", ".join(conflicts[:10]) + (" …" if len(conflicts) > 10 else ""))
        new.undoes = entry.id
        _revert(store, entry.changes)
    return new


def _revert(store: GraphStore, changes: list[Change]) -> None:
    def pick(kind: str, created: bool) -> list[Change]:
        return [c for c in changes if c.kind == kind and (c.before is None) == created]

    store.delete_relationships([c.key for c in pick("rel", True)])
    store.delete_review_items([c.key for c in pick("review", True)])
    store.upsert_nodes([node_of(c.before) for c in pick("node", False) if c.before])
    store.upsert_relationships([rel_of(c.before) for c in pick("rel", False) if c.before])
    store.put_review_items([review_of(c.before) for c in pick("review", False) if c.before])
    store.delete_nodes([c.key for c in pick("node", True)])


# -- GDPR ------------------------------------------------------------------------------
def _person(store: GraphStore, key: str) -> Node:
    node = store.get_node(key)
    if node is None or node.kind is not NodeKind.PERSON:
        raise HistoryError(f"personne inconnue : {key}")
    return node


def secrets_of(person: Node) -> list[str]:
    """The texts that identify a person, to find them elsewhere: the name and the
    personal values (e-mail, telephone…)."""
    personal = personal_properties(person.kind, person.props)
    values = [v for k, v in person.props.items()
              if (k in personal or k in CONTACT_PROPERTIES) and k not in PROCESSING
              and isinstance(v, str)]
    found = [person.name, *values]
    return sorted({s for s in found if len(s) >= MIN_SECRET}, key=len, reverse=True)


def person_data(store: GraphStore, key: str) -> dict[str, Any]:
    """Everything held on a person (GDPR right of access): the record with its personal
    data, its relations, every other record and review row that mentions them, and the
    writes of the trail that touched them."""
    person = _person(store, key)
    secrets_ = secrets_of(person)
    nodes, rels = store.export()
    return {
        "personne": image(person),
        "relations": [image(nb.relationship) for nb in store.neighbours(key)],
        "mentions": [image(n) for n in nodes if n.key != key
                     and mentions([n.name, n.props], secrets_)]
        + [image(r) for r in rels if key not in (r.start, r.end) and mentions(r.props, secrets_)],
        "revue": [image(i) for i in store.review_items() if mentions(i.row, secrets_)],
        "historique": [{"id": e.id, "at": e.at, "action": e.action, "who": e.who}
                       for e in store.audit_entries()
                       if e.touches(key) or mentions(e.model_dump(), [*secrets_, key])],
    }


def erase_person(store: GraphStore, key: str) -> AuditEntry:
    """Erase a person (GDPR): their node and relations, their name and personal values
    wherever a text kept them (other records, review rows), and their traces in the
    audit trail, in one unit of work. The trail keeps only that an erasure happened."""
    person = _person(store, key)
    secrets_ = secrets_of(person)
    with store.audited("erase", label="une personne", images=False, keys=False) as entry:
        nodes, rels = store.export()
        store.upsert_nodes([n.model_copy(update={
            "name": redact_value(n.name, secrets_), "props": redact_value(n.props, secrets_)})
            for n in nodes if n.key != key and mentions([n.name, n.props], secrets_)])
        store.upsert_relationships([r.model_copy(update={"props": redact_value(r.props, secrets_)})
                                    for r in rels if key not in (r.start, r.end)
                                    and mentions(r.props, secrets_)])
        store.put_review_items([i.model_copy(update={"row": redact_value(i.row, secrets_),
                                                     "name": redact_value(i.name, secrets_)})
                                for i in store.review_items()
                                if mentions([i.row, i.name], secrets_)])
        store.delete_node(key)
        for old in store.audit_entries():
            cleaned = _cleaned(old, key, secrets_)
            if cleaned is not None:
                store.replace_audit_entry(cleaned)
    return entry


def _cleaned(entry: AuditEntry, key: str, secrets_: list[str]) -> AuditEntry | None:
    """``entry`` without the person's traces, or ``None`` if it holds none."""
    if not entry.touches(key) and not mentions(entry.model_dump(), [*secrets_, key]):
        return None
    kept = [c for c in entry.changes if key not in c.key]
    return entry.model_copy(update={
        "label": redact_value(entry.label, [*secrets_, key]),
        "keys": [k for k in entry.keys if key not in k],
        "changes": [Change.model_validate(redact_value(c.model_dump(), [*secrets_, key]))
                    for c in kept],
        # without the person's records, reverting it would not be exact
        "undoable": False,
        "redacted": True,
    })


__all__ = ["ERASED", "HistoryError", "erase_person", "find_entry", "history", "person_data",
           "undo"]
