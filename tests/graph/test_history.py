"""The audit trail, undo and erasure: one contract, run on SQLite and on a real Bolt server."""

from __future__ import annotations

import json

import pytest

from graph.audit import PACKED, AuditEntry
from graph.history import HistoryError, erase_person, history, person_data, undo
from graph.model import Counts, Node, Relationship, RelType, ReviewItem
from graph.store import GraphStore
from tests.helpers import load, node, rel


def _new(store: GraphStore, before: list[AuditEntry]) -> list[AuditEntry]:
    # the Bolt server is shared by the tests: only this test's entries count
    seen = {e.id for e in before}
    return [e for e in store.audit_entries() if e.id not in seen]


State = tuple[Counts, list[Node], list[Relationship], list[ReviewItem]]


def _state(store: GraphStore) -> State:
    nodes, rels = store.export()
    return (store.counts(), nodes, rels, store.review_items())


def _an_import(store: GraphStore) -> AuditEntry:
    with store.audited("import", who="test", label="actions.csv") as entry:
        store.upsert_nodes([node("territory:bf-kaya", "Kaya"),
                            node("commune:86194", "Poitiers", insee="86194", population=90000)])
        store.upsert_relationships([
            rel(RelType.TWINNED_WITH, "commune:86194", "territory:bf-kaya", since=1997),
            rel(RelType.COOPERATES_WITH, "commune:86194", "country:BF", since=2003,
                role="lead", attestations=["a", "b"])])
        store.put_review_items([ReviewItem(key="review:1", file="actions.csv", lines=[3],
                                           name="Saint-Aubin", row={"collectivite": "x"},
                                           reason="homonyme")])
    return entry


def test_each_write_is_one_entry_saying_who_and_what(store: GraphStore) -> None:
    before = store.audit_entries()
    load(store)
    load(store)  # a write that changes nothing is no write
    entry = _an_import(store)
    store.upsert_nodes([node("theme:sante", "Santé")])  # outside any named write
    new = _new(store, before)
    assert [e.action for e in new] == ["write", "import", "write"]
    assert new[1].id == entry.id and new[1].who == "test" and new[1].label == "actions.csv"
    assert new[1].counts == {"nœud(s) créé(s)": 1, "nœud(s) modifié(s)": 1,
                             "relation(s) créée(s)": 1, "relation(s) modifiée(s)": 1,
                             "élément(s) de revue créé(s)": 1}
    assert new[0].counts == {"nœud(s) créé(s)": 7, "relation(s) créée(s)": 5}
    assert [e.id for e in history(store, "territory:bf-kaya")][:1] == [entry.id]


def test_undo_restores_exactly_and_keeps_a_later_unrelated_write(store: GraphStore) -> None:
    load(store)
    base = _state(store)
    entry = _an_import(store)
    after_import = _state(store)
    store.upsert_nodes([node("theme:sante", "Santé")])
    undone = undo(store, entry.id)
    assert undone.undoes == entry.id and undone.action == "undo"
    counts, nodes, rels, review = _state(store)
    assert (rels, review) == (base[2], base[3])
    assert [n for n in nodes if n.key != "theme:sante"] == base[1]
    assert store.get_node("theme:sante") is not None  # the later write survives
    assert counts.relationships == base[0].relationships
    # undo of the undo: the import again, exactly
    undo(store, undone.id)
    again = _state(store)
    assert again[2:] == after_import[2:]
    assert [n for n in again[1] if n.key != "theme:sante"] == after_import[1]


def test_undo_refused_when_a_later_write_changed_the_same_record(store: GraphStore) -> None:
    load(store)
    entry = _an_import(store)
    store.upsert_nodes([node("commune:86194", "Poitiers", population=91000)])
    state = _state(store)
    with pytest.raises(HistoryError, match="commune:86194"):
        undo(store, entry.id)
    assert _state(store) == state
    # a relation tied later to a node the import created also blocks it
    store.upsert_nodes([node("commune:86194", "Poitiers", insee="86194", population=90000)])
    store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:79191", "territory:bf-kaya")])
    with pytest.raises(HistoryError, match="commune:79191>territory:bf-kaya"):
        undo(store, entry.id)


def test_reference_loads_and_clears_cannot_be_undone(store: GraphStore) -> None:
    before = store.audit_entries()
    with store.audited("reference", images=False):
        load(store)
    store.clear()
    new = _new(store, before)
    assert [(e.action, e.undoable, e.changes) for e in new] == [
        ("reference", False, []), ("write", False, [])]
    with pytest.raises(HistoryError, match="ne peut pas être annulée"):
        undo(store, new[0].id)


def test_erasing_a_person_leaves_no_trace(store: GraphStore) -> None:
    load(store)
    secrets = ["Marie Durand", "marie.durand@poitiers.fr", "05 49 00 00 00"]
    with store.audited("crm", who="test"):
        store.upsert_nodes([
            node("person:p1", "Marie Durand", function="chargée de coopération",
                 courriel=secrets[1], telephone=secrets[2], legal_basis="fonction publique",
                 purpose="groupe eau"),
            node("group:eau", "Groupe eau et assainissement"),
            node("interaction:i1", "Réunion avec Marie Durand",
                 notes="Marie Durand (05 49 00 00 00) rappelle en mars", date="2026-11-20")])
        store.upsert_relationships([rel(RelType.WORKS_FOR, "person:p1", "commune:86194"),
                                    rel(RelType.INVOLVES, "interaction:i1", "person:p1"),
                                    rel(RelType.INVOLVES, "interaction:i1", "commune:86194")])
    held = person_data(store, "person:p1")
    assert held["personne"]["props"]["courriel"] == secrets[1]
    assert [m["key"] for m in held["mentions"]] == ["interaction:i1"]
    before = store.audit_entries()
    erase_person(store, "person:p1")
    nodes, rels = store.export()
    dumped = json.dumps([n.model_dump() for n in nodes] + [r.model_dump() for r in rels]
                        + [e.model_dump() for e in store.audit_entries()], ensure_ascii=False)
    for secret in [*secrets, "person:p1"]:
        assert secret.lower() not in dumped.lower()
    # what the record says of its processing is no secret: the group keeps its name
    assert store.get_node("group:eau").name == "Groupe eau et assainissement"  # type: ignore[union-attr]
    meeting = store.get_node("interaction:i1")
    assert meeting is not None and meeting.props["notes"] == "[effacé] ([effacé]) rappelle en mars"
    erased = _new(store, before)
    assert [(e.action, e.label, e.keys, e.changes) for e in erased] == [
        ("erase", "une personne", [], [])]
    assert erased[0].counts["nœud(s) supprimé(s)"] == 1
    with pytest.raises(HistoryError, match="personne inconnue"):
        erase_person(store, "person:p1")


def test_long_entries_are_kept_whole(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # on Bolt an entry is written in parts (one message is bounded: 16 MB on ArcadeDB, less
    # than the images of a national import); tiny parts here, so that this one has many
    monkeypatch.setattr("graph.neo4j_records.AUDIT_PART_CHARS", 300)
    monkeypatch.setattr("graph.audit.PACK_ABOVE", 10**9)  # as text: the parts hold it as is
    load(store)
    before = store.audit_entries()
    names = [f"Lieu {i} " + "é" * 150 for i in range(12)]
    with store.audited("crm", who="test", label="long"):
        store.upsert_nodes([node(f"territory:bf-lieu-{i}", name) for i, name in enumerate(names)]
                           + [node("person:p2", "Jean Essai", legal_basis="consentement",
                                   purpose="essai")])
    (entry,) = _new(store, before)
    assert len(entry.model_dump_json()) > 10 * 300
    dumped = entry.model_dump_json()
    assert all(json.dumps(name)[1:-1] in dumped or name in dumped for name in names)
    # rewritten in parts (an erasure redacts it), still whole and still undoable
    erase_person(store, "person:p2")
    kept = next(e for e in store.audit_entries() if e.id == entry.id)
    assert "Jean Essai" not in kept.model_dump_json() and kept.redacted
    assert all(name in kept.model_dump_json(ensure_ascii=False) for name in names)
    assert len(store.audit_entries()) == len(before) + 2


def test_long_entries_are_kept_compressed(store: GraphStore,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graph.neo4j_records.AUDIT_PART_CHARS", 300)  # and in parts on Bolt
    load(store)
    exported = store.export()
    before = store.audit_entries()
    places = [node(f"territory:bf-compresse-{i}", f"Lieu {i}", level="commune", country="BF")
              for i in range(300)]
    with store.audited("import", who="test", label="lieux"):
        store.upsert_nodes(places)
        store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:86194", p.key)
                                    for p in places])
    (entry,) = _new(store, before)
    stored = store._audit_data()[-1]  # type: ignore[attr-defined]
    assert stored.startswith(PACKED) and len(stored) * 5 < len(entry.model_dump_json())
    assert len(entry.changes) == 600 and entry.changes[0].after is not None
    assert entry.counts == {"nœud(s) créé(s)": 300, "relation(s) créée(s)": 300}
    # a listing reads its summary, not its records; a key it does not list is looked for
    # in them
    listed = history(store)[0]
    assert (listed.id, listed.counts, listed.changes) == (entry.id, entry.counts, [])
    monkeypatch.setattr("graph.unit_of_work.MAX_LISTED_KEYS", 10)
    with store.audited("import", who="test", label="encore"):
        store.upsert_nodes([node(f"territory:bf-autre-{i}", f"Autre {i}") for i in range(20)])
    assert [e.label for e in history(store, "territory:bf-autre-7")] == ["encore"]
    assert [e.label for e in history(store, "territory:bf-compresse-7")] == ["lieux"]
    assert history(store)[0].keys == []
    undo(store, history(store)[0].id)
    undo(store, entry.id)  # the images came back whole
    assert store.export() == exported
