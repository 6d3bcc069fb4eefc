"""Reads under writes: 20 readers alone, then 20 readers with 2 writers, on one served API,
on each store; the target is a read p99 with writers within 3× the read-only p99 of the
same run, with no error and no lost acknowledged write.

    .venv/bin/python bench/concurrency.py              # 60 s per phase, both stores
    .venv/bin/python bench/concurrency.py --seconds 20 # shorter

Writes bench/concurrency.md. The SQLite server holds the real reference data (4,987
nodes); the Bolt server (ArcadeDB, the Neo4j stand-in the tests use) holds the small test
sample, since loading the reference into it takes minutes. Readers cycle over the same
seven read routes in both phases (`tests/loadmix.py`).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results import write_results  # noqa: E402

from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.reference.load import load_reference  # noqa: E402
from tests.bolt_server import start_arcadedb  # noqa: E402
from tests.helpers import load  # noqa: E402
from tests.loadmix import WRITE_ON, Outcome, run  # noqa: E402
from tests.serving import serve  # noqa: E402

Row = tuple[str, str, Outcome, Outcome, int]


def _phases(name: str, target: Path | str, env: dict[str, str], seconds: float, work: Path,
            store_check: SqliteStore | Neo4jStore) -> list[Row]:
    rows = []
    with serve(target, "jeton", work / "serve.log", **env) as base:
        run(base, "jeton", 3, writers=0)  # warm-up: first projection and caches
        alone = run(base, "jeton", seconds, writers=0)
        for where, write_on, tag in ((f"ailleurs ({WRITE_ON})", WRITE_ON, "bench"),
                                     ("sur l'acteur lu (commune:86194)", "commune:86194",
                                      "bench-lu")):
            mixed = run(base, "jeton", seconds, writers=2, tag=tag, write_on=write_on)
            found = store_check.get_nodes(mixed.acknowledged)
            rows.append((name, where, alone, mixed, len(mixed.acknowledged) - len(found)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "bench.db"
        sqlite = SqliteStore(db)
        load_reference(sqlite)
        rows += _phases("SQLite (référence)", db, {}, args.seconds, work, sqlite)
        sqlite.close()
        server = start_arcadedb()
        try:
            bolt = Neo4jStore(server.uri, server.user, server.password, server.database)
            bolt.setup_schema()
            load(bolt)
            env = {"MAILLAGE_NEO4J_USER": server.user, "MAILLAGE_NEO4J_PASSWORD": server.password,
                   "MAILLAGE_NEO4J_DATABASE": server.database}
            rows += _phases("Bolt/ArcadeDB (échantillon)", server.uri, env, args.seconds, work,
                            bolt)
            bolt.close()
        finally:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# Lectures pendant les écritures", "",
        f"Commande : `.venv/bin/python bench/concurrency.py --seconds {args.seconds:g}` ; "
        f"machine : {platform.machine()}, Python {platform.python_version()}.", "",
        "20 lecteurs seuls, puis 20 lecteurs et 2 écrivains (création d'un acteur puis d'une "
        "relation, en boucle), chaque phase "
        f"{args.seconds:g} s, sur un serveur `maillage serve`. Objectif : p99 des lectures "
        "avec écrivains ≤ 3 × p99 sans écrivain, 0 erreur, 0 écriture acquittée perdue.", "",
        "Les écrivains rattachent chaque organisation créée à un acteur : « ailleurs », un "
        "acteur que les lecteurs ne lisent pas, pour que les deux phases lisent les mêmes "
        "données (le critère) ; « sur l'acteur lu », celui que trois des sept lectures "
        "affichent, dont les réponses grossissent alors à chaque écriture (≈ 100 voisins de "
        "plus par minute) : la lenteur y vient surtout de la taille des réponses.", "",
        "| base | écritures | lectures seules : n, p50, p99 | avec écrivains : n, p50, p99 | "
        "écritures acquittées | erreurs | perdues | p99 avec / sans | objectif |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, where, alone, mixed, lost in rows:
        ratio = mixed.p(0.99) / alone.p(0.99) if alone.p(0.99) else float("inf")
        met = ratio <= 3 and not mixed.errors and not alone.errors and lost == 0
        lines.append(
            f"| {name} | {where} | {len(alone.read_seconds)}, {alone.p(0.5) * 1000:.0f} ms, "
            f"{alone.p(0.99) * 1000:.0f} ms | {len(mixed.read_seconds)}, "
            f"{mixed.p(0.5) * 1000:.0f} ms, {mixed.p(0.99) * 1000:.0f} ms | "
            f"{len(mixed.acknowledged)} | {len(alone.errors) + len(mixed.errors)} | {lost} | "
            f"{ratio:.1f} × | {'atteint' if met else '**manqué**'} |")
    lines += ["", "Les erreurs éventuelles (5 premières) :", ""]
    for name, where, alone, mixed, _ in rows:
        for error in (alone.errors + mixed.errors)[:5]:
            lines.append(f"- {name}, écritures {where} : {error}")
    write_results(__file__, lines)


if __name__ == "__main__":
    main()
