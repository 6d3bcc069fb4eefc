"""Bounded work: hostile or huge requests are refused quickly, and the service keeps
answering meanwhile. Targets (issue 16): a zip-bomb XLSX and a 200 MB body each refused
in French within 2 s; ``/health`` under 100 ms throughout.

    .venv/bin/python bench/bounded.py   # writes bench/bounded.md

One `maillage serve` on the reference data; a thread polls ``/health`` every 20 ms
while each request below is sent, one after the other.
"""

from __future__ import annotations

import io
import platform
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results import write_results  # noqa: E402

from graph.sqlite_store import SqliteStore  # noqa: E402
from ingest.reference.load import load_reference  # noqa: E402
from tests.serving import serve  # noqa: E402

TOKEN = "jeton"
MB = 1024 * 1024


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        for _ in range(2000):  # 2 GB once unzipped
            sheet.write(b"\0" * MB)
    return buffer.getvalue()


def _stream(size: int) -> Iterator[bytes]:
    chunk = b" " * MB
    for _ in range(size // MB):
        yield chunk


def _csv(rows: int) -> bytes:
    lines = ["nom;sigle;categorie;description;site;pays;source"]
    lines += [f"Organisation d'essai {i};OE{i};association;essai de charge;;;essai"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "bench.db"
        store = SqliteStore(db)
        load_reference(store)
        store.close()
        auth = {"Authorization": f"Bearer {TOKEN}"}
        bomb, big_csv = _bomb(), _csv(100_000)
        cases: list[tuple[str, Callable[[httpx.Client], httpx.Response]]] = [
            (f"XLSX « bombe » ({len(bomb) // 1024} Ko, 2 Go décompressé), avec jeton",
             lambda c: c.post("/api/import", headers=auth,
                              files={"file": ("bombe.xlsx", bomb)})),
            ("corps JSON de 200 Mo sans jeton (POST /api/actors)",
             lambda c: c.post("/api/actors", content=_stream(200 * MB),
                              headers={"content-type": "application/json"})),
            ("corps JSON de 200 Mo avec jeton",
             lambda c: c.post("/api/actors", content=_stream(200 * MB),
                              headers={**auth, "content-type": "application/json"})),
            (f"CSV de {len(big_csv) // MB} Mo (100 000 lignes) en simulation",
             lambda c: c.post("/api/import", headers=auth, data={"dry_run": "true"},
                              files={"file": ("gros.csv", big_csv)})),
        ]
        with serve(db, TOKEN, work / "serve.log") as base, \
                httpx.Client(base_url=base, timeout=600) as client:
            for name, send in cases:
                health: list[float] = []
                stop = threading.Event()

                def poll(stop: threading.Event = stop, health: list[float] = health) -> None:
                    with httpx.Client(base_url=base, timeout=30) as probe:
                        while not stop.is_set():
                            start = time.perf_counter()
                            probe.get("/health")
                            health.append(time.perf_counter() - start)
                            time.sleep(0.02)

                poller = threading.Thread(target=poll)
                poller.start()
                start = time.perf_counter()
                try:
                    response = send(client)
                    status, detail = response.status_code, response.json().get("detail", "")
                except httpx.HTTPError as exc:
                    status, detail = 0, type(exc).__name__
                elapsed = time.perf_counter() - start
                time.sleep(0.2)
                stop.set()
                poller.join()
                results.append((name, status, str(detail)[:90], elapsed, max(health)))
    lines = ["# Travail borné", "",
             f"Commande : `.venv/bin/python bench/bounded.py` ; machine : {platform.machine()}, "
             f"Python {platform.python_version()}.", "",
             "Objectifs : refus en français en moins de 2 s ; `/health` sous 100 ms pendant "
             "toute la requête (sondé toutes les 20 ms).", "",
             "| requête | réponse | message | durée | /health au pire | objectif |",
             "|---|---|---|---|---|---|"]
    for name, status, detail, elapsed, worst in results:
        refusal = status in (401, 413, 422)
        met = worst < 0.1 and (elapsed < 2 or not refusal)
        lines.append(f"| {name} | {status} | {detail} | {elapsed:.2f} s | "
                     f"{worst * 1000:.0f} ms | {'atteint' if met else '**manqué**'} |")
    lines += ["", "La dernière ligne n'est pas un refus : une simulation d'import volumineuse "
              "est un travail légitime ; l'objectif y est que `/health` reste rapide."]
    write_results(__file__, lines)


if __name__ == "__main__":
    main()
