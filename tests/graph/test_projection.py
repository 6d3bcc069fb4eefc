"""The projection follows writes from the store's write log, and what it shows is what a
full rebuild shows: on both stores, over random sequences of writes."""

from __future__ import annotations

import copy
import gc
import random
import weakref

import networkx as nx
import pytest

from graph import projection
from graph.evidence import build_index, update_index
from graph.model import Node, RelType
from graph.projection import MAX_DELTA_KEYS, ProjectionCache, from_rows, to_networkx
from graph.store import GraphStore
from tests.helpers import load, node, rel

# a small world: actors, places abroad, themes, projects, partners
KEYS = ["commune:86194", "commune:79191", "commune:33063", "commune:64445", "epci:200069854",
        "departement:86", "organisation:ps-eau", "territory:bf-kaya", "territory:sn-kaolack",
        "country:BF", "country:SN", "theme:eau", "theme:education", "project:puits",
        "project:ecole", "programme:dctciv"]
# which relation may leave which kind (enough to exercise every branch of the evidence)
LINKS = [
    (RelType.TWINNED_WITH, "commune", "territory"), (RelType.COOPERATES_WITH, "commune", "country"),
    (RelType.COOPERATES_WITH, "epci", "territory"), (RelType.LOCATED_IN, "territory", "country"),
    (RelType.LOCATED_IN, "commune", "departement"), (RelType.MEMBER_OF, "commune", "epci"),
    (RelType.LOCATED_IN, "epci", "departement"), (RelType.PARTICIPATES_IN, "commune", "project"),
    (RelType.PARTICIPATES_IN, "organisation", "project"),
    (RelType.TAKES_PLACE_IN, "project", "territory"), (RelType.ADDRESSES, "project", "theme"),
    (RelType.ADDRESSES, "commune", "theme"), (RelType.FUNDED_BY, "project", "organisation"),
    (RelType.PART_OF, "project", "programme"), (RelType.COOPERATES_WITH, "commune", "commune"),
    (RelType.TWINNED_WITH, "commune", "commune"),
]


def _node(rng: random.Random, key: str) -> Node:
    return node(key, f"{key.split(':')[1]} {rng.randint(1, 3)}",
                **({"population": rng.randint(1, 9)} if rng.random() < 0.5 else {}))


def _write(rng: random.Random, store: GraphStore) -> None:
    """One random write, the kinds a user's or an import's edits make."""
    present = sorted(n.key for n in store.export()[0])
    move = rng.random()
    if move < 0.3 or len(present) < 4:
        store.upsert_nodes([_node(rng, rng.choice(KEYS))])
    elif move < 0.75:
        type_, start_kind, end_kind = rng.choice(LINKS)
        starts = [k for k in present if k.startswith(start_kind + ":")]
        ends = [k for k in present if k.startswith(end_kind + ":")]
        if starts and ends:
            props: dict[str, object] = {}
            if rng.random() < 0.4:
                first = rng.randint(1990, 2024)
                props = {"years": list(range(first, first + 3)), "ended": first + 2} \
                    if rng.random() < 0.5 else {"years": [first]}
            start, end = rng.choice(starts), rng.choice(ends)
            if start != end:
                store.upsert_relationships([rel(type_, start, end, **props)])
    elif move < 0.85:
        store.delete_node(rng.choice(present))
    else:
        rels = store.export()[1]
        if rels:
            store.delete_relationship(rng.choice(rels).key)


def _contents(graph: nx.MultiDiGraph) -> tuple[object, ...]:
    """Everything a reader can see of a graph, by both adjacency directions."""
    return (copy.deepcopy(dict(graph.nodes(data=True))),
            sorted(copy.deepcopy(list(graph.edges(keys=True, data=True))), key=lambda e: e[2]),
            sorted(copy.deepcopy(list(graph.in_edges(keys=True, data=True))),
                   key=lambda e: e[2]))


def _same(graph: nx.MultiDiGraph, store: GraphStore) -> None:
    assert _contents(graph) == _contents(to_networkx(*store.export()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_from_the_log_equal_a_rebuild(store: GraphStore, seed: int) -> None:
    rng = random.Random(seed)
    cache = ProjectionCache(derive=build_index, update=update_index)  # type: ignore[arg-type]
    load(store)
    graph, _ = cache.snapshot(store)
    for _ in range(40):
        before, seen = graph, _contents(graph)
        for _ in range(rng.randint(1, 3)):
            _write(rng, store)
        graph, index = cache.snapshot(store)
        # readers of the last projection see it unchanged: the new one shares, not edits
        assert _contents(before) == seen
        _same(graph, store)
        assert index == build_index(graph)
        assert cache.generation_of(graph) == store.generation()
    # the log served: one full build at the start, then updates only
    assert cache.refreshes[0] == "built" and set(cache.refreshes[1:]) == {"updated"}


def test_a_deleted_node_made_again_comes_back_without_its_old_relations(
        store: GraphStore) -> None:
    cache = ProjectionCache()
    load(store)
    assert cache.get(store).has_edge("commune:86194", "country:BF")
    store.delete_node("commune:86194")
    store.upsert_nodes([node("commune:86194", "Poitiers")])
    graph = cache.get(store)
    assert cache.refreshes == ["built", "updated"]
    assert list(nx.all_neighbors(graph, "commune:86194")) == []
    _same(graph, store)


def test_clear_and_large_writes_rebuild(store: GraphStore) -> None:
    cache = ProjectionCache()
    load(store)
    cache.get(store)
    store.clear()
    assert cache.get(store).number_of_nodes() == 0
    store.upsert_nodes([node(f"commune:{i:05d}", f"C{i}") for i in range(MAX_DELTA_KEYS + 1)])
    assert cache.get(store).number_of_nodes() == MAX_DELTA_KEYS + 1
    assert cache.refreshes == ["built", "built", "built"]


def test_a_writer_the_log_does_not_list_means_a_rebuild(store: GraphStore) -> None:
    """A write counted but not in the log (pruned, or committed after the window): the
    count gives it away and the projection is rebuilt rather than left wrong."""
    cache = ProjectionCache()
    load(store)
    cache.get(store)
    store.upsert_nodes([node("commune:33063", "Bordeaux")])
    real = store.write_log

    def forgetful(since_ms: int | None = None) -> object:
        log = real(since_ms)
        assert log is not None
        return type(log)(log.generation, log.now_ms, log.writes[:-1])

    store.write_log = forgetful  # type: ignore[method-assign,assignment]
    try:
        graph = cache.get(store)
    finally:
        del store.write_log
    assert cache.refreshes == ["built", "built"]
    assert "commune:33063" in graph


def test_rows_give_the_same_projection_as_records(store: GraphStore) -> None:
    """The fast path (stored rows, no models) and the records' path agree, personal data
    left out by the same rules."""
    load(store)
    store.upsert_nodes([
        node("organisation:ps-eau", "pS-Eau", courriel="contact@example.org", sigle="pS-Eau"),
        node("person:1", "Une élue", function="maire", ville_natale="Niort"),
    ])
    store.upsert_relationships([rel(RelType.MEMBER_OF, "commune:86194", "organisation:ps-eau",
                                    years=[2019, 2024])])
    fast = from_rows(*store.rows())
    assert _contents(fast) == _contents(to_networkx(*store.export()))
    with store.streamed_rows() as (nodes, rels):  # what the server builds from
        streamed = from_rows(nodes, rels)
    assert _contents(streamed) == _contents(fast)
    assert streamed.number_of_edges() == fast.number_of_edges() > 0
    assert "courriel" not in fast.nodes["organisation:ps-eau"]
    assert "ville_natale" not in fast.nodes["person:1"] and \
        fast.nodes["person:1"]["function"] == "maire"


def test_a_large_projection_is_frozen_then_freed_when_replaced(
        store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(projection, "FREEZE_ABOVE", 0)  # the sample counts as large
    cache = ProjectionCache()
    load(store)
    try:
        first = cache.get(store)
        assert gc.get_freeze_count() > 0
        # what only the collector frees (a cycle), frozen with the projection: without the
        # unfreeze before the next build, it would stay for the life of the process
        first.graph["cycle"] = first
        gone = weakref.ref(first)
        del first
        store.clear()  # "everything changed": a full rebuild
        store.upsert_nodes([node("commune:33063", "Bordeaux")])
        assert list(cache.get(store)) == ["commune:33063"]
        gc.collect()
        assert gone() is None  # unfrozen before the rebuild, so collected once replaced
    finally:
        gc.unfreeze()
