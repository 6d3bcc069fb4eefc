"""Two revisions of Maillage side by side on one machine, in alternating rounds: the import
of the synthetic national spreadsheet on SQLite and on a Bolt server, and ``init`` on both.

    .venv/bin/python bench/ab_revisions.py becf3ec        # writes bench/ab_revisions.md

A change is judged against the code before it, measured in the same run: on this machine
the same code's timings moved by 20 to 40 % within one session, so figures from two runs
cannot be compared. The base revision is checked out in a temporary git worktree; each
measure runs in a fresh process that imports that tree's code, Bolt on a fresh server
(ArcadeDB, as the tests start it). The spreadsheet is the SYNTHETIC one of
``ingest_speed.py`` (seed 14, labelled « banc d'essai synthétique »).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results import write_results  # noqa: E402

from tests.bolt_server import start_arcadedb  # noqa: E402

#: Run in the tree being measured: prepare (base with the national reference, the CSV),
#: init, or import a whole file into a store (``whole`` of that tree's ingest_speed).
CHILD = r'''
import shutil, sys, time
tree, what, folder, *store = sys.argv[1:]
sys.path[:0] = [tree, tree + "/bench"]
from pathlib import Path
from graph.factory import open_store
from graph.sqlite_store import SqliteStore
from ingest.reference.load import load_reference
from ingest_speed import synthetic_csv, whole
folder = Path(folder)
if what == "prepare":
    s = SqliteStore(folder / "base.db"); load_reference(s)
    synthetic_csv(s, folder / "national.csv", int(store[0])); s.close()
elif what == "init":
    s = open_store(*store); start = time.perf_counter(); load_reference(s)
    print(time.perf_counter() - start)
elif what == "sqlite":
    shutil.copy(folder / "base.db", folder / "copy.db")
    print(whole(SqliteStore(folder / "copy.db"), folder / "national.csv", ready=True)[0])
else:
    s = open_store(*store); load_reference(s); s.close()
    print(whole(open_store(*store), folder / "national.csv", ready=True)[0])
'''


def measure(tree: Path, what: str, folder: Path, *store: str) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), what, str(folder), *store],
                         capture_output=True, text=True, check=True, cwd=tree)
    return float(out.stdout.strip().splitlines()[-1]) if what != "prepare" else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="la révision de référence (git)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    base_rev = subprocess.run(["git", "rev-parse", "--short", args.base], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    head_rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    kinds = ("sqlite", "bolt", "init-sqlite", "init-bolt")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        worktree = tmp / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(worktree), base_rev],
                       cwd=ROOT, check=True)
        try:
            trees = {base_rev: worktree, head_rev: ROOT}
            results: dict[tuple[str, str], list[float]] = {
                (rev, kind): [] for rev in trees for kind in kinds}
            measure(ROOT, "prepare", tmp, str(args.rows))
            for round_ in range(args.rounds):
                for rev in (list(trees) if round_ % 2 == 0 else list(trees)[::-1]):
                    tree = trees[rev]
                    results[(rev, "sqlite")].append(measure(tree, "sqlite", tmp))
                    results[(rev, "init-sqlite")].append(measure(
                        tree, "init", tmp, f"sqlite:///{tmp / f'init-{rev}-{round_}.db'}"))
                    for kind in ("bolt", "init-bolt"):
                        server = start_arcadedb(heap="4g")
                        try:
                            results[(rev, kind)].append(measure(
                                tree, "bolt" if kind == "bolt" else "init", tmp, server.uri,
                                server.user, server.password, server.database))
                        finally:
                            server.stop()
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                           check=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    n = args.rows
    lines = ["# Deux révisions côte à côte", "",
             f"Machine : {platform.platform()}, Python {platform.python_version()}. Commande : "
             f"`.venv/bin/python bench/ab_revisions.py {base_rev} --rounds {args.rounds}`.", "",
             f"Révision de référence `{base_rev}`, révision mesurée `{head_rev}` ; {args.rounds} "
             "tours alternés, chaque mesure dans un processus neuf, Bolt (ArcadeDB) sur un "
             f"serveur neuf. Tableur **synthétique** de {n:,} lignes (`ingest_speed.py`).", "",
             f"| mesure | `{base_rev}` | `{head_rev}` | rapport |", "|---|---|---|---|"]
    labels = {"sqlite": "fichier entier sur SQLite", "bolt": "fichier entier sur Bolt",
              "init-sqlite": "`init` sur SQLite", "init-bolt": "`init` sur Bolt"}
    for kind in kinds:
        a, b = med[(base_rev, kind)], med[(head_rev, kind)]
        rate = "" if kind.startswith("init") else f" ({n / a:,.0f} → {n / b:,.0f} lignes/s)"
        lines.append(f"| {labels[kind]} (médiane) | {a:.2f} s | {b:.2f} s | ×{a / b:.2f}{rate} |")
    lines += ["", "Tours : " + " ; ".join(
        f"{rev} {kind} " + "/".join(f"{t:.2f}" for t in results[(rev, kind)])
        for rev in (base_rev, head_rev) for kind in kinds), "",
        "Rapport `init` Bolt / SQLite (médianes) : "
        f"`{base_rev}` {med[(base_rev, 'init-bolt')] / med[(base_rev, 'init-sqlite')]:.2f} × ; "
        f"`{head_rev}` {med[(head_rev, 'init-bolt')] / med[(head_rev, 'init-sqlite')]:.2f} × "
        "(objectif du ticket 14 : ≤ 2 ×)."]
    write_results(__file__, lines)


if __name__ == "__main__":
    main()
