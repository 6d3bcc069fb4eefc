"""The first read after a write: the projection and its evidence index brought up to date
from the write log, against a full rebuild (what every write cost before), on the same
store, the same data, in one run.

    .venv/bin/python bench/refresh.py            # writes bench/refresh.md

Also the first projection after start, built now from stored rows against the records'
path it replaced, with the full-collection pause after each.

Data: the real reference, all of France (SQLite), and the SYNTHETIC national graph of
``bench/synthetic.py`` (seeded, labelled synthetic) loaded into SQLite. Each write is what a
user's edit makes: one organisation created, then one relation to a commune. Both sides
end with the same projection and index (``tests/graph/test_projection.py`` checks that);
the rebuild side is a fresh cache (stored rows → networkx → index), what every write would
cost without the log.
"""

from __future__ import annotations

import gc
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import write_results  # noqa: E402
from synthetic import REGIONS, synthetic_graph  # noqa: E402

from graph.evidence import build_index, update_index  # noqa: E402
from graph.model import Node, Provenance, Relationship, RelType  # noqa: E402
from graph.projection import FREEZE_ABOVE, ProjectionCache, to_networkx  # noqa: E402
from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.reference.load import load_reference  # noqa: E402
from service import analysis  # noqa: E402
from service.context import Context  # noqa: E402
from service.settings import Settings  # noqa: E402

WRITES = 20
PROV = Provenance(source="bench/refresh.py (synthétique)", licence="synthétique")


def _load_synthetic(store: SqliteStore) -> None:
    g = synthetic_graph(1.0)
    nodes = [Node(key=k, name=d["name"], provenance=PROV,
                  props={n: v for n, v in d.items() if n not in ("kind", "name")})
             for k, d in g.nodes(data=True)]
    rels = [Relationship(key=key, type=RelType(d["type"]), start=u, end=v, provenance=PROV,
                         props={n: val for n, val in d.items()
                                if n not in ("type", "source", "licence")})
            for u, v, key, d in g.edges(keys=True, data=True)]
    with store.transaction():
        store.upsert_nodes(nodes)
        store.upsert_relationships(rels)


def _cache() -> ProjectionCache:
    return ProjectionCache(derive=build_index, update=update_index)  # type: ignore[arg-type]


def _cold(store: SqliteStore) -> tuple[float, float, float, float]:
    """:func:`_cold_here` in a fresh process, as after ``maillage serve`` starts (in this
    one, the objects of the loads before would make every collection longer)."""
    out = subprocess.run([sys.executable, __file__, "--cold", str(store.path)], check=True,
                         capture_output=True, text=True).stdout
    now, now_gc, before, before_gc = (float(x) for x in out.split())
    return now, now_gc, before, before_gc


def _cold_here(store: SqliteStore) -> tuple[float, float, float, float]:
    """A first projection the way the server builds it now (stored rows, collector paused,
    frozen when large) and the way it did (records → networkx → index), each followed by
    one full collection, the pause a request may meet."""
    start = time.perf_counter()
    cache = _cache()
    cache.snapshot(store)
    now = time.perf_counter() - start
    start = time.perf_counter()
    gc.collect()
    now_gc = time.perf_counter() - start
    del cache
    gc.unfreeze()
    gc.collect()
    start = time.perf_counter()
    graph = to_networkx(*store.export())
    build_index(graph)
    before = time.perf_counter() - start
    start = time.perf_counter()
    gc.collect()
    before_gc = time.perf_counter() - start
    return now, now_gc, before, before_gc


def _analysis_after_write(store: SqliteStore) -> tuple[float, list[float]]:
    """What a user waits for: suggestions for an actor, first after start, then the first
    after each write (projection updated, per-index values computed again)."""
    # the served product centres on one région (synthetic région 0: a thirteenth of France)
    ctx = Context(store, Settings(store=store.url, region=REGIONS[0]))
    start = time.perf_counter()
    actors = ctx.index().active()
    analysis.suggestions(ctx, actors[0], 10)
    first = time.perf_counter() - start
    after = []
    for i in range(WRITES):
        key = f"organisation:bench-analyse-{i}"
        store.create_node(Node(key=key, name=f"Essai {i}", provenance=PROV))
        store.upsert_relationships([Relationship(type=RelType.MEMBER_OF, start=actors[1],
                                                 end=key, provenance=PROV)])
        start = time.perf_counter()
        analysis.suggestions(ctx, actors[2 + i % (len(actors) - 2)], 10)
        after.append(time.perf_counter() - start)
    return first, after


def _measure(store: SqliteStore, commune: str) -> tuple[list[float], list[float], int, int]:
    cache = _cache()
    graph, _ = cache.snapshot(store)
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    updated, rebuilt = [], []
    for i in range(WRITES):
        key = f"organisation:bench-refresh-{i}"
        store.create_node(Node(key=key, name=f"Essai {i}", provenance=PROV))
        store.upsert_relationships([Relationship(type=RelType.MEMBER_OF, start=commune,
                                                 end=key, provenance=PROV)])
        start = time.perf_counter()
        cache.snapshot(store)
        updated.append(time.perf_counter() - start)
        start = time.perf_counter()
        _cache().snapshot(store)
        rebuilt.append(time.perf_counter() - start)
    assert cache.refreshes == ["built"] + ["updated"] * WRITES, cache.refreshes
    return updated, rebuilt, nodes, edges


def main() -> None:
    rows = []
    colds: list[tuple[str, float, float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        ref = SqliteStore(Path(tmp) / "ref.db")
        load_reference(ref)
        # the bundled reference is all of France now: the real national graph
        colds.append(("national RÉEL, référence fournie (SQLite)", *_cold(ref)))
        rows.append(("national RÉEL, référence fournie (SQLite)",
                      *_measure(ref, "commune:79191")))
        ref.close()
        national = SqliteStore(Path(tmp) / "national.db")
        _load_synthetic(national)
        colds.append(("national SYNTHÉTIQUE (SQLite)", *_cold(national)))
        gc.unfreeze()
        first, after = _analysis_after_write(national)
        rows.append(("national SYNTHÉTIQUE (SQLite)", *_measure(national, "commune:1")))
        national.close()
    lines = [
        "# Première lecture après une écriture", "",
        f"Commande : `.venv/bin/python bench/refresh.py` ; machine : {platform.machine()}, "
        f"Python {platform.python_version()} ; {WRITES} écritures (une organisation créée, "
        "puis une relation vers une commune), chacune suivie de la mise à jour de la "
        "projection et de son index.", "",
        "« Mise à jour » : depuis le journal des écritures (ce que fait le serveur). "
        "« Reconstruction » : une projection neuve (lignes → networkx → index), ce que "
        "coûterait chaque écriture sans le journal ; même base, mêmes données, même "
        "exécution.", "",
        "| données | nœuds | relations | mise à jour : médiane, max | reconstruction : "
        "médiane, max | rapport des médianes |",
        "|---|---|---|---|---|---|",
    ]
    for name, updated, rebuilt, nodes, edges in rows:
        mu, mr = statistics.median(updated), statistics.median(rebuilt)
        lines.append(f"| {name} | {nodes} | {edges} | {mu * 1000:.0f} ms, "
                     f"{max(updated) * 1000:.0f} ms | {mr * 1000:.0f} ms, "
                     f"{max(rebuilt) * 1000:.0f} ms | {mr / mu:.0f} × |")
    lines += [
        "", "## Première projection (démarrage)", "",
        "Chaque côté est mesuré dans un processus neuf, comme après le démarrage du "
        "serveur. Maintenant : lignes de la base → networkx → index, ramasse-miettes "
        "suspendu pendant la construction, projection gelée hors du ramasse-miettes "
        f"au-delà de {FREEZE_ABOVE} nœuds (sans collecte complète avant le gel à la "
        "première construction : il n'y a pas encore d'ancienne projection à libérer). "
        "Avant : enregistrements validés → networkx → index. Chaque fois suivi d'une "
        "collecte complète (la pause qu'une requête peut subir). Objectif "
        "(issue 14, graphe national) : ≤ 2 s.", "",
        "| données | maintenant | collecte complète ensuite | avant | collecte complète "
        "ensuite | objectif ≤ 2 s |",
        "|---|---|---|---|---|---|",
    ]
    for name, now, now_gc, before, before_gc in colds:
        target = ("atteint" if now <= 2 else "**manqué**") if "national" in name else "—"
        lines.append(f"| {name} | {now:.2f} s | {now_gc * 1000:.0f} ms | {before:.2f} s | "
                     f"{before_gc * 1000:.0f} ms | {target} |")
    lines += [
        "", "## Première analyse après une écriture (national SYNTHÉTIQUE)", "",
        f"Suggestions pour un acteur, par le service (`service.analysis.suggestions`), après "
        f"chacune de {WRITES} écritures. Objectif (issue 14) : ≤ 200 ms.", "",
        "| première analyse au démarrage | après une écriture : médiane, max | objectif |",
        "|---|---|---|",
        f"| {first:.2f} s | {statistics.median(after) * 1000:.0f} ms, {max(after) * 1000:.0f} ms "
        f"| {'atteint' if max(after) <= 0.2 else '**manqué**'} |",
    ]
    write_results(__file__, lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        print(*_cold_here(SqliteStore(Path(sys.argv[2]))))
    else:
        main()
