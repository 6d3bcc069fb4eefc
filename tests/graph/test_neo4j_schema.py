"""The Neo4j schema is created once, not at every open; writers share no hot node."""

from __future__ import annotations

import pytest

from graph.neo4j_cypher import GENERATION, SCHEMA, SET_SCHEMA_MARK
from graph.neo4j_store import Neo4jStore
from tests.bolt_server import BoltServer
from tests.helpers import sent_queries


@pytest.mark.skipif("os.environ.get('MAILLAGE_TEST_BOLT') == '0'")
def test_schema_once_and_generation_by_write_records(bolt: BoltServer) -> None:
    store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    store.setup_schema()
    sent = sent_queries(store)
    store.setup_schema()
    assert len(sent) == 1 and sent[0] not in SCHEMA  # one read, no schema statement
    before = store.generation()
    store.clear()
    store.clear()
    assert store.generation() == before + 2  # it only grows, even across a clear
    assert GENERATION in sent
    store.close()


@pytest.mark.skipif("os.environ.get('MAILLAGE_TEST_BOLT') == '0'")
def test_an_index_that_serves_no_query_is_dropped(bolt: BoltServer) -> None:
    store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    try:
        # a store made before 7 December: a range index on the searched names, never used
        # by the search (a CONTAINS) and kept up by every write
        store._run("CREATE INDEX Theme_name IF NOT EXISTS FOR (n:Theme) ON (n.name_norm)",
                   write=True)
        store._run(SET_SCHEMA_MARK, {"version": "avant"}, write=True)
        store.setup_schema()
        names = {str(row["name"]) for row in store._run("SHOW INDEXES")}
        assert not [n for n in names if n.endswith("_name")]
        assert "ADDRESSES_key" in names and any(n.startswith("Theme") for n in names)
    finally:
        store.close()
