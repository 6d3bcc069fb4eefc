"""Pick a store from a URL: ``sqlite:///path/file.db`` or a Bolt URI."""

from __future__ import annotations

from pathlib import Path

from graph.store import GraphStore, StoreError

BOLT_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def open_store(url: str, user: str = "neo4j", password: str = "",
               database: str = "neo4j", retry_seconds: float = 3.0) -> GraphStore:
    """Open the store a URL names and make sure its schema exists.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     store = open_store(f"sqlite:///{os.path.join(d, 'g.db')}")
    ...     print(type(store).__name__, store.counts().nodes)
    ...     store.close()
    SqliteStore {}
    """
    if url.startswith("sqlite:///"):
        from graph.sqlite_store import SqliteStore

        return SqliteStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(BOLT_SCHEMES):
        from graph.neo4j_store import Neo4jStore

        store = Neo4jStore(url, user, password, database, retry_seconds=retry_seconds)
        store.setup_schema()
        return store
    raise StoreError(
        f"adresse de base inconnue « {url} » : attendu sqlite:///chemin.db, bolt:// ou neo4j://")
