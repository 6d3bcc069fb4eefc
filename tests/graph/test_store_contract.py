"""One contract, every store: these tests run on SQLite and on a real Bolt server."""

from __future__ import annotations

import pytest

from graph.model import NodeKind, RelType
from graph.projection import ProjectionCache
from graph.store import GraphStore, MissingEndpointError, StoreError
from tests.helpers import PROV, load, node, rel, sample

INJECTIONS = ["' OR 1=1 --", '"}) DETACH DELETE n //', "`) MATCH (x) DETACH DELETE x //`",
              "Robert'); DROP TABLE nodes;--"]


def test_upsert_counts_and_get(store: GraphStore) -> None:
    nodes, rels = sample()
    first = store.upsert_nodes(nodes)
    assert (first.created, first.updated, first.unchanged) == (7, 0, 0)
    assert store.upsert_relationships(rels).created == 5
    poitiers = store.get_node("commune:86194")
    assert poitiers is not None
    assert poitiers.name == "Poitiers"
    assert poitiers.props == {"insee": "86194", "population": 88665, "basin": "Loire-Bretagne"}
    assert store.get_node("theme:eau").props["tags"] == ["eau", "assainissement"]  # type: ignore[union-attr]
    assert store.get_node("commune:00000") is None
    counts = store.counts()
    assert counts.nodes == {"commune": 2, "country": 1, "departement": 1, "epci": 1,
                            "region": 1, "theme": 1}
    assert counts.relationships == {"COOPERATES_WITH": 2, "LOCATED_IN": 2, "MEMBER_OF": 1}


def test_reads_of_many_keys_miss_none(store: GraphStore) -> None:
    # more keys than one look-up takes on the Bolt store (graph.neo4j_records.IN_CHUNK)
    places = [node(f"territory:de-t{i}", f"T{i}") for i in range(2300)]
    store.upsert_nodes([node("country:DE", "Allemagne"), node("commune:86194", "Poitiers"),
                        *places], batch_size=5000)
    store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:86194", p.key)
                                for p in places[::2]], batch_size=5000)
    keys = [p.key for p in places] + ["territory:de-absent"]
    assert set(store.get_nodes(keys)) == {p.key for p in places}
    tied = store.relationships_to(keys, [RelType.TWINNED_WITH.value])
    assert sorted(r.end for r in tied) == sorted(p.key for p in places[::2])


def test_import_twice_changes_nothing(store: GraphStore) -> None:
    load(store)
    before = store.export()
    generation = store.generation()
    nodes, rels = sample()
    again_nodes = store.upsert_nodes(nodes)
    again_rels = store.upsert_relationships(rels)
    assert (again_nodes.created, again_nodes.updated, again_nodes.unchanged) == (0, 0, 7)
    assert (again_rels.created, again_rels.updated, again_rels.unchanged) == (0, 0, 5)
    assert store.export() == before
    assert store.generation() == generation


def test_update_merges_on_key(store: GraphStore) -> None:
    load(store)
    summary = store.upsert_nodes([node("commune:86194", "Poitiers", population=90000)])
    assert (summary.created, summary.updated) == (0, 1)
    updated = store.get_node("commune:86194")
    assert updated is not None and updated.props == {"population": 90000}
    assert store.counts().nodes["commune"] == 2
    # its relationships survive an update of the node
    assert len(store.neighbours("commune:86194")) == 3


def test_unit_of_work_is_atomic(store: GraphStore) -> None:
    load(store)
    before = store.export()
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_nodes([node("commune:33063", "Bordeaux")])
        store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:33063", "country:BF")])
        store.delete_node("commune:79191")
        raise RuntimeError("panne au milieu de l'import")
    assert store.export() == before
    assert store.get_node("commune:33063") is None


def test_one_transaction_sees_its_own_writes(store: GraphStore) -> None:
    """A transaction that creates a node, ties it, restates the tie, deletes the node and
    creates it again: what it wrote counts (Bolt keeps ids and writes per transaction)."""
    load(store)
    bordeaux = node("commune:33063", "Bordeaux")
    tie = rel(RelType.TWINNED_WITH, "commune:33063", "country:BF")
    with store.transaction():
        store.upsert_nodes([bordeaux])
        assert store.upsert_relationships([tie]).created == 1
        again = store.upsert_relationships([tie.model_copy(update={"props": {"since": 1990}})])
        assert (again.created, again.updated) == (0, 1)
        assert store.get_relationship(tie.key).props == {"since": 1990}  # type: ignore[union-attr]
        assert store.delete_node("commune:33063") is True
        assert store.get_relationship(tie.key) is None
        with pytest.raises(MissingEndpointError):
            store.upsert_relationships([tie])
    store.upsert_nodes([bordeaux])
    with pytest.raises(MissingEndpointError), store.transaction():
        store.upsert_nodes([node("commune:33063", "Bordeaux (bis)")])
        assert store.upsert_relationships([tie]).created == 1
        store.clear()
        assert store.upsert_nodes([bordeaux]).created == 1
        store.upsert_relationships([tie])  # the country went with the clear
    # rolled back, the clear too
    assert store.get_node("commune:33063") == bordeaux and store.get_node("country:BF")
    assert store.get_relationship(tie.key) is None


def test_relationship_to_missing_node_is_refused_and_rolled_back(store: GraphStore) -> None:
    load(store)
    before = store.export()
    with pytest.raises(MissingEndpointError, match="absent"), store.transaction():
        store.upsert_nodes([node("commune:33063", "Bordeaux")])
        store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:33063", "country:ZZ")])
    assert store.export() == before


def test_paging_and_search(store: GraphStore) -> None:
    store.upsert_nodes([node(f"commune:{i:05d}", f"Saint-Étienne {i}", rank=i % 3)
                        for i in range(25)])
    store.upsert_nodes([node("country:FR", "France")])
    pages = [store.find_nodes(kind=NodeKind.COMMUNE, limit=10, offset=o) for o in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 5]
    keys = [n.key for p in pages for n in p]
    assert keys == sorted(keys) and len(set(keys)) == 25
    assert store.count_nodes(kind=NodeKind.COMMUNE) == 25
    # accent- and case-insensitive
    assert store.count_nodes(text="SAINT-ETIENNE 1") == 11  # 1, 10..19
    assert [n.key for n in store.find_nodes(text="étienne 24")] == ["commune:00024"]
    assert store.count_nodes(where={"rank": 0}) == 9
    assert store.count_nodes(kind=NodeKind.COUNTRY, where={"rank": 0}) == 0
    # one read of a whole kind, past the page size, in key order, with properties
    whole = store.nodes_of_kind(NodeKind.COMMUNE)
    assert [n.key for n in whole] == keys and whole[3].props["rank"] == 0
    assert whole[3].provenance.source == pages[0][3].provenance.source
    assert [n.key for n in store.nodes_of_kind(NodeKind.COUNTRY)] == ["country:FR"]
    assert store.nodes_of_kind(NodeKind.EPCI) == []
    with pytest.raises(StoreError):
        store.find_nodes(limit=0)
    with pytest.raises(StoreError):
        store.find_nodes(where={"bad name": 1})


def test_neighbours(store: GraphStore) -> None:
    load(store)
    around = store.neighbours("commune:86194")
    assert {(n.relationship.type.value, n.node.key, n.outgoing) for n in around} == {
        ("LOCATED_IN", "departement:86", True), ("MEMBER_OF", "epci:200069854", True),
        ("COOPERATES_WITH", "country:BF", True)}
    incoming = store.neighbours("country:BF", direction="in")
    assert sorted(n.node.key for n in incoming) == ["commune:79191", "commune:86194"]
    assert store.neighbours("country:BF", direction="out") == []
    # several nodes at once, by type: what ends at them, in key order, as neighbours say
    to = store.relationships_to(["country:BF", "departement:86", "commune:00000"],
                                ["COOPERATES_WITH", "LOCATED_IN"])
    assert [(r.type.value, r.start, r.end) for r in to] == sorted(
        (n.relationship.type.value, n.node.key, k) for k in ("country:BF", "departement:86")
        for n in store.neighbours(k, types=["COOPERATES_WITH", "LOCATED_IN"], direction="in"))
    assert [r.key for r in to] == sorted(r.key for r in to) and len(to) == 3
    assert to == sorted((n.relationship for k in ("country:BF", "departement:86")
                         for n in store.neighbours(k, direction="in")
                         if n.relationship.type.value != "MEMBER_OF"), key=lambda r: r.key)
    assert store.relationships_to(["country:BF"], ["TWINNED_WITH"]) == []
    only = store.neighbours("commune:86194", types=["MEMBER_OF"])
    assert [n.node.key for n in only] == ["epci:200069854"]
    assert only[0].relationship.props == {"since": 2017}


def test_delete(store: GraphStore) -> None:
    load(store)
    key = rel(RelType.MEMBER_OF, "commune:86194", "epci:200069854").key
    assert store.delete_relationship(key) is True
    assert store.delete_relationship(key) is False
    assert store.get_relationship(key) is None
    assert store.delete_node("commune:86194") is True
    assert store.delete_node("commune:86194") is False
    # detach delete: its relationships are gone with it
    assert store.counts().relationships == {"COOPERATES_WITH": 1, "LOCATED_IN": 1}


def test_provenance_kept(store: GraphStore) -> None:
    load(store)
    got = store.get_node("commune:86194")
    assert got is not None
    assert got.provenance.source == "tests/fixture.csv:2"
    assert got.provenance.licence == "Licence Ouverte"
    assert got.provenance.ingested_at == PROV.ingested_at
    r = store.get_relationship(rel(RelType.COOPERATES_WITH, "commune:86194", "country:BF").key)
    assert r is not None and r.provenance == PROV and r.props == {"since": 2003, "role": "lead"}


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_payloads_are_plain_data(store: GraphStore, payload: str) -> None:
    load(store)
    # a key never carries them (no space, « / », « # »…): names and properties do
    with pytest.raises(ValueError, match="clé invalide"):
        node(f"organisation:{payload}", payload)
    key = f"organisation:injection-{INJECTIONS.index(payload)}"
    store.upsert_nodes([node(key, payload, note=payload)])
    store.upsert_relationships([rel(RelType.COOPERATES_WITH, key, "country:BF", role=payload)])
    got = store.get_node(key)
    assert got is not None and got.name == payload and got.props == {"note": payload}
    assert [n.key for n in store.find_nodes(text=payload)] == [key]
    assert store.count_nodes(where={"note": payload}) == 1
    assert store.counts().nodes["commune"] == 2  # nothing was deleted
    assert {n.node.key for n in store.neighbours(key)} == {"country:BF"}
    assert store.delete_node(key)
    assert store.counts().nodes == {"commune": 2, "country": 1, "departement": 1, "epci": 1,
                                    "region": 1, "theme": 1}


def test_projection_cache_follows_writes(store: GraphStore) -> None:
    cache = ProjectionCache()
    load(store)
    g1 = cache.get(store)
    assert cache.get(store) is g1  # cached
    assert g1.number_of_nodes() == 7 and g1.number_of_edges() == 5
    store.upsert_nodes([node("commune:33063", "Bordeaux")])
    g2 = cache.get(store)
    assert g2 is not g1 and g2.number_of_nodes() == 8
    store.upsert_nodes([node("commune:33063", "Bordeaux")])  # unchanged: no rebuild
    assert cache.get(store) is g2
    assert cache.generation_of(g2) == store.generation() and cache.generation_of(g1) is None


def test_readers_do_not_queue_behind_a_rebuild(store: GraphStore) -> None:
    from service.context import Context, request_scope

    cache = ProjectionCache()
    load(store)
    g1 = cache.get(store)
    store.upsert_nodes([node("commune:33063", "Bordeaux")])
    with cache._lock:  # another thread is rebuilding
        assert cache.get(store) is g1  # the last projection serves, at once
    assert cache.get(store).number_of_nodes() == 8

    ctx = Context(store)
    with request_scope():  # one request sees one projection, and its index
        first = ctx.graph()
        store.upsert_nodes([node("commune:33281", "Mérignac")])
        assert ctx.graph() is first and "commune:33281" not in first
        assert ctx.index() is ctx.index()
    assert "commune:33281" in ctx.graph()  # the next request sees the write


def test_review_items_round_trip(store: GraphStore) -> None:
    from graph.model import ReviewItem

    item = ReviewItem(key="r1", file="a.csv", lines=[3], name="Magné",
                      row={"collectivite": "Magné", "note": INJECTIONS[1]},
                      reason="homonymes", candidates=["commune:79163", "commune:86145"])
    store.put_review_items([item])
    assert store.review_items() == [item]
    settled = item.model_copy(update={"status": "settled", "resolution": "commune:79163"})
    store.put_review_items([settled])
    assert store.review_items("open") == []
    assert store.review_items("settled") == [settled]
    store.clear()
    assert store.review_items() == []
