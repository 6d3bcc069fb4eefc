"""Memory of ``maillage serve`` on the SYNTHETIC national graph: resident size after start,
after the first analysis, and after every kind of analysis has run once.

    .venv/bin/python bench/memory.py             # writes bench/memory.md

The graph is the seeded, labelled synthetic one of ``bench/synthetic.py`` (58,610 nodes,
156,033 relations) loaded into SQLite. Target (issue 14): ≤ 350 MB after all analyses.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from refresh import _load_synthetic  # noqa: E402
from results import write_results  # noqa: E402
from synthetic import REGIONS  # noqa: E402

from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.reference.load import load_reference  # noqa: E402
from tests.serving import serve  # noqa: E402

TARGET_MB = 350
READS = [  # one of each kind of analysis and page the explorer asks for
    "/api/stats", "/api/actors/{commune}", "/api/actors?q={text}",
    "/api/gaps",
    "/api/vis?limit=1000", "/api/vocabulary", "/api/maps/world",
    "/api/maps/na?layer=communes", "/api/search?q=commune",
]


def _server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in cmd and str(port).encode() in cmd:
                return int(proc.name)
    raise RuntimeError("serveur introuvable")


def _memory(pid: int) -> tuple[float, float]:
    """Resident size now and its peak, in MB."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


Steps = list[tuple[str, float, float, float]]


def _served(db: Path, region: str, log: Path, commune: str, text: str) -> Steps:
    """Memory of ``maillage serve`` on ``db`` centred on ``region``, after each analysis."""
    steps: Steps = []
    with serve(db, "jeton", log, MAILLAGE_REGION=region) as base:
        pid = _server_pid(int(base.rsplit(":", 1)[1]))
        steps.append(("démarré", 0.0, *_memory(pid)))
        with httpx.Client(base_url=base, timeout=300) as client:
            start = time.perf_counter()
            found = client.get("/api/actors", params={"limit": 1}).json()
            first_active = found["items"][0]["key"]
            steps.append(("première analyse (liste des acteurs actifs)",
                          time.perf_counter() - start, *_memory(pid)))
            # synthetic countries have no ISO code: consortia are asked around an actor
            for url in [*(r.format(commune=commune, text=text) for r in READS),
                        f"/api/actors/{first_active}/suggestions",
                        f"/api/opportunities?actor={first_active}"]:
                start = time.perf_counter()
                status = client.get(url).status_code
                assert status == 200, (url, status)
                steps.append((url, time.perf_counter() - start, *_memory(pid)))
    return steps


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "national.db"
        store = SqliteStore(db)
        _load_synthetic(store)
        store.close()
        # served for one synthetic région (a thirteenth of France), as a deployment is
        steps = _served(db, REGIONS[0], Path(tmp) / "serve.log", "commune:1", "synthetique")
        real = Path(tmp) / "real.db"
        store = SqliteStore(real)
        load_reference(store)
        store.close()
        real_steps = _served(real, "75", Path(tmp) / "real.log", "commune:86194", "Poitiers")
    rss, peak = steps[-1][2], max(s[3] for s in steps)
    real_rss, real_peak = real_steps[-1][2], max(s[3] for s in real_steps)
    lines = [
        "# Mémoire du serveur (graphe national SYNTHÉTIQUE)", "",
        f"Commande : `.venv/bin/python bench/memory.py` ; machine : {platform.machine()}, "
        f"Python {platform.python_version()}. `maillage serve` sur SQLite, 58 610 nœuds et "
        "156 033 relations synthétiques ; mémoire résidente (VmRSS) et pic (VmHWM) lus dans "
        "`/proc` après chaque requête.", "",
        "| étape | durée | mémoire résidente | pic |", "|---|---|---|---|",
        *(f"| {name} | {seconds:.2f} s | {now:.0f} Mo | {high:.0f} Mo |"
          for name, seconds, now, high in steps),
        "",
        f"Après toutes les analyses : {rss:.0f} Mo (pic {peak:.0f} Mo) ; objectif ≤ "
        f"{TARGET_MB} Mo : {'atteint' if rss <= TARGET_MB else '**manqué**'}.", "",
        "## Graphe national RÉEL (référence fournie, région 75)", "",
        "| étape | durée | mémoire résidente | pic |", "|---|---|---|---|",
        *(f"| {name} | {seconds:.2f} s | {now:.0f} Mo | {high:.0f} Mo |"
          for name, seconds, now, high in real_steps),
        "",
        f"Après toutes les analyses : {real_rss:.0f} Mo (pic {real_peak:.0f} Mo) ; objectif ≤ "
        f"{TARGET_MB} Mo : {'atteint' if real_rss <= TARGET_MB else '**manqué**'}.",
    ]
    write_results(__file__, lines)


if __name__ == "__main__":
    main()
