"""Import speed: rows per second into each store, batched against row by row.

    .venv/bin/python bench/import_speed.py          # writes bench/import_speed.md

Measures, in one run on this machine: the whole reference load (13 572 records, then the
297 facts through the import path) on SQLite, and the 4 293 commune nodes upserted with
batches of 500 against batches of 1, on SQLite and on ArcadeDB's Bolt server.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from ingest.reference.load import geography, load_reference
from tests.bolt_server import start_arcadedb


def timed(store: GraphStore, batch: int) -> float:
    nodes = [n for n in geography()[0] if n.kind.value == "commune"]
    store.clear()
    start = time.perf_counter()
    store.upsert_nodes(nodes, batch_size=batch)
    return len(nodes) / (time.perf_counter() - start)


def main() -> None:
    lines = ["# Vitesse d'import", "", f"Machine : {platform.platform()}, Python "
             f"{platform.python_version()}. Commande : `.venv/bin/python bench/import_speed.py`.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SqliteStore(Path(tmp) / "b.db")
        start = time.perf_counter()
        summary, report, _ = load_reference(sqlite)
        full = time.perf_counter() - start
        lines.append(f"- Chargement complet du référentiel sur SQLite : {full:.2f} s "
                     f"({summary.created} enregistrements + {len(report.rows)} faits).")
        server = start_arcadedb()
        try:
            bolt = Neo4jStore(server.uri, server.user, server.password, server.database)
            bolt.setup_schema()
            lines += ["", "| base | lots de 500 (lignes/s) | ligne par ligne (lignes/s) | rapport |",
                      "|---|---|---|---|"]
            for label, store in (("SQLite", sqlite), ("ArcadeDB (Bolt)", bolt)):
                batched = timed(store, 500)
                single = timed(store, 1)
                lines.append(f"| {label} | {batched:,.0f} | {single:,.0f} | {batched / single:.1f}× |")
            bolt.close()
        finally:
            server.stop()
        sqlite.close()
    out = Path(__file__).with_name("import_speed.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
