"""The Neo4j schema is created once, not at every open; writers share no hot node."""

from __future__ import annotations

import pytest

from graph.neo4j_cypher import GENERATION, SCHEMA
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
