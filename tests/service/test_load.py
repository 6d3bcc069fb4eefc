"""20 readers and 2 writers on one served API, on each store: no error, no lost
acknowledged write. (Latencies are measured by ``bench/concurrency.py``, not asserted.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.bolt_server import BoltServer
from tests.conftest import STORE_KINDS
from tests.helpers import load
from tests.loadmix import run
from tests.serving import serve

SECONDS = 10


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_readers_and_writers_together(kind: str, regional_db: Path, tmp_path: Path,
                                      request: pytest.FixtureRequest) -> None:
    store: GraphStore
    if kind == "sqlite":
        db = tmp_path / "load.db"
        # the home région: the mechanics, not the national projection's first build
        shutil.copyfile(regional_db, db)
        target: Path | str = db
        env: dict[str, str] = {}
        store = SqliteStore(db)
    else:
        bolt: BoltServer = request.getfixturevalue("bolt")
        store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
        store.setup_schema()
        store.clear()
        load(store)
        target = bolt.uri
        env = {"MAILLAGE_NEO4J_USER": bolt.user, "MAILLAGE_NEO4J_PASSWORD": bolt.password,
               "MAILLAGE_NEO4J_DATABASE": bolt.database}
    try:
        with serve(target, "jeton", tmp_path / "serve.log", **env) as base:
            outcome = run(base, "jeton", SECONDS)
        assert outcome.errors == [], outcome.errors[:10]
        assert len(outcome.read_seconds) > 100 and outcome.writes > 10
        # every write the API acknowledged is there, as it was acknowledged
        nodes = store.get_nodes(outcome.acknowledged)
        assert sorted(nodes) == sorted(outcome.acknowledged)
        assert all(n.name == f"Essai {k.split(':', 1)[1]}" for k, n in nodes.items())
        assert sorted(store.get_relationships(outcome.relations)) == sorted(outcome.relations)
    finally:
        store.close()
