"""Merging a duplicate place moves every relation and attestation, keeps an audit record,
and is undone exactly; on both stores."""

from __future__ import annotations

from graph.attestations import attestations, attested
from graph.model import Node, Provenance, Relationship, RelType, relationship_key
from graph.store import GraphStore
from ingest.merge import merge_nodes, undo_merge
from tests.helpers import load

P1 = Provenance(source="https://a.example/1", licence="CC0")
P2 = Provenance(source="https://b.example/2", licence="CC-BY")


def place(key: str, name: str) -> Node:
    return Node(key=key, name=name, props={"country": "DE"}, provenance=P1)


def twinning(actor: str, territory: str, prov: Provenance, origin: str) -> Relationship:
    return attested(Relationship(
        key=relationship_key(actor, RelType.TWINNED_WITH, territory, "1961"),
        type=RelType.TWINNED_WITH, start=actor, end=territory,
        props={"origin": origin, "years": [1961]}, provenance=prov))


def test_merge_moves_everything_and_undo_restores_it(store: GraphStore) -> None:
    load(store)
    store.upsert_nodes([place("territory:de-marburg", "Marburg"),
                        place("territory:de-marbourg", "Marbourg")])
    store.upsert_relationships([
        twinning("commune:86194", "territory:de-marburg", P1, "a.csv:2"),
        twinning("commune:86194", "territory:de-marbourg", P2, "b.csv:7"),
        twinning("commune:79191", "territory:de-marbourg", P2, "b.csv:8")])
    before = store.export()

    record = merge_nodes(store, "territory:de-marbourg", "territory:de-marburg")
    assert store.get_node("territory:de-marbourg") is None
    kept = store.get_node("territory:de-marburg")
    assert kept is not None and kept.props["aliases"] == ["Marbourg"]
    poitiers = store.get_relationship(
        relationship_key("commune:86194", RelType.TWINNED_WITH, "territory:de-marburg", "1961"))
    assert poitiers is not None and poitiers.provenance == P1
    assert sorted(a.origin for a in attestations(poitiers)) == ["a.csv:2", "b.csv:7"]
    niort = [n.node.key for n in store.neighbours("commune:79191", types=["TWINNED_WITH"])]
    assert niort == ["territory:de-marburg"]
    audit = [i for i in store.review_items() if i.key == record.key]
    assert audit and audit[0].template == "fusion" and audit[0].status == "settled"

    undo_merge(store, record.key)
    assert store.export() == before
    assert [i.status for i in store.review_items() if i.key == record.key] == ["dismissed"]
