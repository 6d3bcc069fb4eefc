from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.bolt_server import BoltServer, bolt_server

STORE_KINDS = ["sqlite", "bolt"]
if os.environ.get("MAILLAGE_TEST_BOLT") == "0":  # explicit opt-out for a quick local run
    STORE_KINDS = ["sqlite"]


@pytest.fixture(scope="session")
def bolt() -> Iterator[BoltServer]:
    server = bolt_server()
    yield server
    server.stop()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind: the contract tests run against both."""
    s: GraphStore
    if request.param == "sqlite":
        s = SqliteStore(tmp_path / "graph.db")
    else:
        server: BoltServer = request.getfixturevalue("bolt")
        s = Neo4jStore(server.uri, server.user, server.password, server.database)
        s.setup_schema()
        s.clear()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's own database or .env."""
    from service.settings import get_settings

    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the bundled reference data loaded once per test session."""
    from ingest.reference.load import load_reference

    path = tmp_path_factory.mktemp("reference") / "reference.db"
    s = SqliteStore(path)
    load_reference(s)
    s.close()
    return path


@pytest.fixture(scope="session")
def regional_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled reference for the home région only (no national twinnings): for tests of
    mechanics on the slower Bolt store, where all of France adds time and no meaning."""
    from ingest.reference.load import load_reference

    path = tmp_path_factory.mktemp("regional") / "regional.db"
    s = SqliteStore(path)
    load_reference(s, regional=True)
    s.close()
    return path


def _private_copy(db: Path, copy: Path) -> Iterator[SqliteStore]:
    import shutil

    shutil.copyfile(db, copy)
    s = SqliteStore(copy)
    yield s
    s.close()


@pytest.fixture
def regional_store(regional_db: Path, tmp_path: Path) -> Iterator[SqliteStore]:
    """A private copy of :func:`regional_db`."""
    yield from _private_copy(regional_db, tmp_path / "regional.db")


@pytest.fixture
def ref_store(reference_db: Path, tmp_path: Path) -> Iterator[SqliteStore]:
    """A private copy of the reference database, for tests that write."""
    yield from _private_copy(reference_db, tmp_path / "ref.db")


@pytest.fixture(scope="session")
def real_graph(reference_db: Path) -> nx.MultiDiGraph:
    """The projection of the bundled reference data (read-only: tests must not mutate it)."""
    from graph.projection import to_networkx

    s = SqliteStore(reference_db)
    try:
        return to_networkx(*s.export())
    finally:
        s.close()
