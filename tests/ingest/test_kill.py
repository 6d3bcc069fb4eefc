"""``kill -9`` anywhere in an import: the store holds all of it or none of it, and running
the import again completes it; a third run changes nothing. On both stores.

The rows are test organisations (« Organisation d'essai N »), facts about nobody.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.bolt_server import BoltServer
from tests.conftest import STORE_KINDS
from tests.helpers import load

ROWS = 6000
FRACTIONS = (0.15, 0.4, 0.7, 0.85, 0.95)


def _organisations(path: Path) -> Path:
    lines = ["nom;sigle;categorie;description;site;pays;source"]
    lines += [f"Organisation d'essai {i};OE{i};association;essai d'arrêt brutal;;;essai"
              for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ingest(csv: Path, env: dict[str, str], kill_after: float | None = None) -> int | None:
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "ingest", str(csv)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if kill_after is None:
        return process.wait(timeout=600)
    time.sleep(kill_after)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return None


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_kill_9_mid_import_leaves_all_or_nothing(kind: str, tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    store: GraphStore
    env = {**os.environ}
    if kind == "sqlite":
        db = tmp_path / "kill.db"
        store = SqliteStore(db)
        env["MAILLAGE_STORE"] = f"sqlite:///{db}"
    else:
        bolt: BoltServer = request.getfixturevalue("bolt")
        store = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
        store.setup_schema()
        store.clear()
        env.update(MAILLAGE_STORE=bolt.uri, MAILLAGE_NEO4J_USER=bolt.user,
                   MAILLAGE_NEO4J_PASSWORD=bolt.password, MAILLAGE_NEO4J_DATABASE=bolt.database)
    load(store)
    csv = _organisations(tmp_path / "organisations.csv")
    empty = store.counts().nodes.get("organisation", 0)
    try:
        # how long a whole import takes here, from the same state
        start = time.monotonic()
        assert _ingest(csv, env) == 0
        duration = time.monotonic() - start
        full = store.counts().nodes["organisation"]
        assert full == empty + ROWS
        store.clear()
        load(store)
        outcomes = []
        for fraction in FRACTIONS:
            _ingest(csv, env, kill_after=duration * fraction)
            count = store.counts().nodes.get("organisation", 0)
            assert count in (empty, full), (fraction, count)  # never half an import
            outcomes.append(count == full)
            if count == full:
                store.clear()
                load(store)
        assert not all(outcomes)  # some kills did land inside the import
        if isinstance(store, SqliteStore):
            assert store._query("PRAGMA integrity_check")[0][0] == "ok"
        assert _ingest(csv, env) == 0  # the rerun completes it
        assert store.counts().nodes["organisation"] == full
        generation = store.generation()
        assert _ingest(csv, env) == 0  # and a third run changes nothing
        assert store.generation() == generation
    finally:
        store.close()
