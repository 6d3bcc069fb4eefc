"""A Bolt write transaction queues the writes whose result nobody waits for: in order,
on one worker thread, with every error reaching the caller and rolling all back."""

from __future__ import annotations

import threading

import pytest

from graph.model import RelType
from graph.neo4j_cypher import GET_NODES
from graph.neo4j_pipe import Pipe
from graph.neo4j_store import Neo4jStore
from graph.store import DuplicateKeyError
from tests.bolt_server import BoltServer
from tests.helpers import node, rel, sent_queries

needs_bolt = pytest.mark.skipif("os.environ.get('MAILLAGE_TEST_BOLT') == '0'")


def test_pipe_runs_in_order_on_one_thread() -> None:
    pipe = Pipe(lambda: None)
    done: list[tuple[int, int]] = []
    for i in range(50):
        pipe.send(lambda i=i: done.append((i, threading.get_ident())))  # type: ignore[misc]
    assert pipe.call(lambda: [i for i, _ in done]) == list(range(50))
    assert {t for _, t in done} == {pipe.call(threading.get_ident)} != {threading.get_ident()}
    pipe.close()


def test_error_of_a_sent_job_reaches_the_caller_and_stops_the_rest() -> None:
    pipe = Pipe(lambda: None)
    ran: list[str] = []
    pipe.send(lambda: ran.append("avant"))
    absent: dict[str, str] = {}
    pipe.send(lambda: absent["clé absente"])
    pipe.send(lambda: ran.append("après"))  # the server gave the transaction up: not run
    with pytest.raises(KeyError):
        pipe.finish()
    with pytest.raises(KeyError):
        pipe.call(lambda: "lu")
    assert ran == ["avant"]
    pipe.close()


def test_error_of_a_call_is_the_callers_to_judge() -> None:
    pipe = Pipe(lambda: None)
    with pytest.raises(ZeroDivisionError):
        pipe.call(lambda: 1 / 0)
    assert pipe.call(lambda: "lu") == "lu"  # a refused check leaves the transaction usable
    pipe.finish()
    pipe.close()


@needs_bolt
def test_a_store_counted_empty_is_not_asked_for_its_nodes(bolt: BoltServer) -> None:
    store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    store.setup_schema()
    store.clear()
    sent = sent_queries(store)
    places = [node("country:BF", "Burkina Faso"), node("commune:86194", "Poitiers")]
    with store.transaction():
        assert store.count_nodes() == 0
        assert store.upsert_nodes(places).created == 2
        assert store.upsert_relationships(
            [rel(RelType.TWINNED_WITH, "commune:86194", "country:BF")]).created == 1
        # what it created, it reads back (after the queued writes)
        assert store.upsert_nodes(places[:1]).unchanged == 1
    reads = [q for q in sent if q.startswith(GET_NODES.split("{")[0])]
    assert len(reads) == 1  # the second upsert's, of a node this transaction created
    assert store.get_node("commune:86194") == places[1]
    assert [n.node.key for n in store.neighbours("commune:86194")] == ["country:BF"]
    sent.clear()
    store.upsert_nodes(places)  # a store not counted empty: asked, as always
    assert any(q.startswith(GET_NODES.split("{")[0]) for q in sent)
    store.close()


@needs_bolt
def test_a_key_created_meanwhile_refuses_the_whole_write(bolt: BoltServer) -> None:
    store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    other = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    store.setup_schema()
    store.clear()
    with pytest.raises(DuplicateKeyError), store.transaction():
        assert store.count_nodes() == 0
        other.upsert_nodes([node("commune:86194", "Poitiers (autre écriture)")])
        store.upsert_nodes([node("country:BF", "Burkina Faso"), node("commune:86194", "Poitiers")])
        store.upsert_relationships([rel(RelType.TWINNED_WITH, "commune:86194", "country:BF")])
    assert store.get_node("country:BF") is None  # nothing of the refused write
    assert store.get_node("commune:86194").name == "Poitiers (autre écriture)"  # type: ignore[union-attr]
    assert store.neighbours("commune:86194") == []
    store.close()
    other.close()
