"""Ingest of a national spreadsheet with relations: rows per second through the import
path (read, check, resolve against all of France, plan, write in one unit of work),
against the same rows committed one by one, on SQLite and on a Bolt server.

    .venv/bin/python bench/ingest_speed.py            # writes bench/ingest_speed.md
    .venv/bin/python bench/ingest_speed.py --rows 2000 --no-bolt   # a short run

The spreadsheet is SYNTHETIC (seeded, labelled « banc d'essai synthétique » in its source
column, written to a temporary base that is thrown away): real communes of the national
reference, by name, INSEE code and département, twinned with or cooperating with
« Partenaire synthétique N » in real countries. No real fact is stated by it.

Measured in one run, each on a fresh copy of a base holding the national reference:

* **whole file, first import**: the resolvers of France are built first (what the first
  import after ``maillage serve`` starts pays, and every import from the CLI);
* **whole file, resolvers ready**: what a server pays once they are built (they are kept
  until a write touches communes, EPCI, départements, régions, countries or partners);
* **one commit per row**: the same rows, each imported as its own file through the same
  path (resolvers ready), on the first ``--single`` rows;
* ``init`` (reference load) on SQLite and on the Bolt server (ArcadeDB standing in for
  Neo4j, started on loopback as the tests do), each in a fresh process (the same
  interpreter state for both), in alternating rounds compared by medians, and the
  whole-file import on Bolt.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.factory import open_store
from graph.model import NodeKind
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from ingest import importer
from ingest.importer import import_file, import_table, resolvers_for
from ingest.readers import Table, read_table
from ingest.reference.load import load_reference
from ingest.rows import collect
from tests.bolt_server import start_arcadedb

COUNTRIES = ("Allemagne", "Sénégal", "Burkina Faso", "Mali", "Italie", "Espagne", "Pologne",
             "Maroc", "Togo", "Bénin", "Roumanie", "Madagascar")
SOURCE = "banc d'essai synthétique"
HEADERS = ("collectivite", "code", "departement", "type_relation", "partenaire", "pays",
           "thematique", "periode", "source")
TARGET_ROWS_S = 20_000
TARGET_RATIO = 50
TARGET_BOLT_ROWS_S = 10_000
TARGET_INIT_RATIO = 2.0
#: ``init`` is timed this many times on each store, alternating (SQLite, then Bolt on a
#: fresh server), and compared by medians: on this noisy machine one pair swung from 1.7
#: to 2.4 times
INIT_ROUNDS = 3
#: the stand-in server's JVM heap: a 20,000-row file is one transaction, held in memory
BOLT_HEAP = "4g"


def synthetic_csv(store: GraphStore, path: Path, rows: int, seed: int = 14) -> None:
    communes = sorted(collect(store, (NodeKind.COMMUNE,)), key=lambda n: n.key)
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for _ in range(rows):
            c = rng.choice(communes)
            out.writerow([c.name, c.props.get("insee", ""), c.props.get("departement", ""),
                          rng.choice(("jumelage", "coopération")),
                          f"Partenaire synthétique {rng.randrange(max(rows // 4, 1))}",
                          rng.choice(COUNTRIES), rng.choice(("culture", "eau", "jeunesse")),
                          str(rng.randrange(1960, 2026)), SOURCE])


def fresh(base: Path, tmp: Path, name: str) -> SqliteStore:
    path = tmp / name
    shutil.copy(base, path)
    return SqliteStore(path)


def whole(store: GraphStore, csv_path: Path, ready: bool) -> tuple[float, int]:
    importer._cache.clear()
    if ready:
        resolvers_for(store)
    start = time.perf_counter()
    report = import_file(store, csv_path, partial=True)
    elapsed = time.perf_counter() - start
    return elapsed, sum(report.relationships.values())


def one_by_one(store: GraphStore, csv_path: Path, rows: int) -> float:
    table = read_table(csv_path)
    importer._cache.clear()
    resolvers_for(store)
    start = time.perf_counter()
    for line, cells in table.rows[:rows]:
        import_table(store, Table(table.file, table.headers, [(line, cells)]), partial=True)
    return rows / (time.perf_counter() - start)


def timed_init(store: GraphStore) -> float:
    importer._cache.clear()
    start = time.perf_counter()
    load_reference(store)
    return time.perf_counter() - start


def init_apart(url: str, user: str = "", password: str = "", database: str = "neo4j") -> float:
    """``init`` timed in a fresh process: both stores pay it with the same interpreter state
    (a process that has already run the SQLite measures carries their objects)."""
    out = subprocess.run([sys.executable, __file__, "--init-only", url, user, password, database],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def verdict(met: bool) -> str:
    return "atteint" if met else "**manqué**"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--no-bolt", action="store_true")
    parser.add_argument("--init-only", nargs=4, metavar=("URL", "USER", "PASSWORD", "DATABASE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.init_only:
        url, user, password, database = args.init_only
        print(timed_init(open_store(url, user, password, database)))
        return
    n = args.rows
    lines = ["# Import d'un tableur national avec relations", "",
             f"Machine : {platform.platform()}, Python {platform.python_version()}. Commande : "
             f"`.venv/bin/python bench/ingest_speed.py --rows {n}`.", "",
             f"Tableur **synthétique** de {n:,} lignes (graine 14 ; source « {SOURCE} ») : "
             "des communes réelles du référentiel national (nom, code INSEE, département), "
             "jumelées ou coopérant avec « Partenaire synthétique N » dans des pays réels ; "
             "base temporaire jetée ensuite. Chaque mesure part d'une copie neuve d'une base "
             "tenant le référentiel national.", ""]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        init_sqlite = init_apart(f"sqlite:///{tmp / 'base.db'}")
        base = SqliteStore(tmp / "base.db")
        csv_path = tmp / "national.csv"
        synthetic_csv(base, csv_path, n)
        base.close()
        first, rels = whole(fresh(tmp / "base.db", tmp, "a.db"), csv_path, ready=False)
        ready, _ = whole(fresh(tmp / "base.db", tmp, "b.db"), csv_path, ready=True)
        single = one_by_one(fresh(tmp / "base.db", tmp, "c.db"), csv_path, args.single)
        bulk = n / ready
        lines += ["| SQLite | durée | lignes/s |", "|---|---|---|",
                  f"| fichier entier, premier import (résolveurs de France construits) | "
                  f"{first:.2f} s | {n / first:,.0f} |",
                  f"| fichier entier, résolveurs prêts | {ready:.2f} s | {bulk:,.0f} |",
                  f"| un commit par ligne ({args.single} premières lignes, résolveurs prêts) "
                  f"| {args.single / single:.2f} s | {single:,.1f} |", "",
                  f"{rels:,} relations écrites par le fichier entier. Rapport fichier entier / "
                  f"un commit par ligne : {bulk / single:,.0f}×.", ""]
        checks = [f"≥ {TARGET_ROWS_S:,} lignes/s sur SQLite (résolveurs prêts) : "
                  f"{bulk:,.0f} — {verdict(bulk >= TARGET_ROWS_S)}",
                  f"≥ {TARGET_RATIO}× un commit par ligne : {bulk / single:,.0f}× — "
                  f"{verdict(bulk / single >= TARGET_RATIO)}"]
        if not args.no_bolt:
            sqlite_inits, bolt_inits = [init_sqlite], []
            for round_ in range(INIT_ROUNDS):
                if round_:
                    sqlite_inits.append(init_apart(f"sqlite:///{tmp / f'init{round_}.db'}"))
                server = start_arcadedb(heap=BOLT_HEAP)
                try:
                    bolt_inits.append(init_apart(server.uri, server.user, server.password,
                                                 server.database))
                    if round_ == INIT_ROUNDS - 1:
                        bolt = Neo4jStore(server.uri, server.user, server.password,
                                          server.database)
                        bolt_time, _ = whole(bolt, csv_path, ready=True)
                        bolt.close()
                finally:
                    server.stop()
            init_sqlite, init_bolt = statistics.median(sqlite_inits), statistics.median(bolt_inits)
            lines += ["| chargement du référentiel national (`init`, chacun dans un processus neuf"
                      f" ; {INIT_ROUNDS} tours alternés, Bolt sur un serveur neuf à chaque tour) "
                      "| tours | médiane |", "|---|---|---|",
                      f"| SQLite | {' ; '.join(f'{t:.2f} s' for t in sqlite_inits)} | "
                      f"{init_sqlite:.2f} s |",
                      f"| Bolt (ArcadeDB) | {' ; '.join(f'{t:.2f} s' for t in bolt_inits)} | "
                      f"{init_bolt:.2f} s |", "",
                      "Rapports Bolt / SQLite par tour : "
                      + " ; ".join(f"{b / q:.2f} ×" for q, b in zip(sqlite_inits, bolt_inits, strict=True))
                      + " ; rapport des médianes ci-dessous.", "",
                      f"Fichier entier sur Bolt (ArcadeDB, tas Java {BOLT_HEAP} : la transaction "
                      "unique d'un fichier entier est tenue en mémoire jusqu'au commit ; avec "
                      f"512 Mo le serveur s'arrête), résolveurs prêts : {bolt_time:.2f} s, "
                      f"{n / bolt_time:,.0f} lignes/s.", ""]
            checks += [f"Bolt ≥ {TARGET_BOLT_ROWS_S:,} lignes/s : {n / bolt_time:,.0f} — "
                       f"{verdict(n / bolt_time >= TARGET_BOLT_ROWS_S)}",
                       f"`init` sur Bolt ≤ {TARGET_INIT_RATIO:g} × SQLite (médianes) : "
                       f"{init_bolt / init_sqlite:.2f} × — "
                       f"{verdict(init_bolt / init_sqlite <= TARGET_INIT_RATIO)}"]
    lines += ["Objectifs (ticket 14) :", "", *[f"- {c}" for c in checks]]
    out = Path(__file__).with_name("ingest_speed.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
