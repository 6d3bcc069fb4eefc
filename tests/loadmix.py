"""A busy team on one server: readers browsing while writers record, over HTTP. Used by
the reliability test (errors, lost writes) and by ``bench/concurrency.py`` (latencies)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

READS = ("/api/actors/commune:86194", "/api/actors?q=poitiers", "/api/search?q=niort",
         "/api/stats", "/api/actors/commune:86194/neighbours", "/api/countries/BF",
         "/api/graph?focus=commune:86194")


@dataclass
class Outcome:
    read_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # node keys the API said it made
    relations: list[str] = field(default_factory=list)
    writes: int = 0

    def p(self, q: float) -> float:
        ordered = sorted(self.read_seconds)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


#: Where writers attach what they create: by default an actor the readers do not read, so
#: that both phases read the same data; the focus of the reads (``commune:86194``) makes
#: the answers read grow with every write.
WRITE_ON = "commune:79191"


def run(base: str, token: str, seconds: float, readers: int = 20, writers: int = 2,
        tag: str = "charge", write_on: str = WRITE_ON) -> Outcome:
    """Run the mix for ``seconds``; every 5xx, timeout or transport error is an error."""
    out = Outcome()
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    auth = {"Authorization": f"Bearer {token}"}

    def read(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = n
            while time.monotonic() < stop:
                url = READS[i % len(READS)]
                i += 1
                start = time.perf_counter()
                try:
                    status = client.get(url).status_code
                except httpx.HTTPError as exc:
                    status, url = 0, f"{url} ({type(exc).__name__})"
                elapsed = time.perf_counter() - start
                with lock:
                    out.read_seconds.append(elapsed)
                    if status != 200:
                        out.errors.append(f"lecture {url} : {status}")

    def write(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30, headers=auth) as client:
            i = 0
            while time.monotonic() < stop:
                ident = f"{tag}-{n}-{i}"
                i += 1
                try:
                    made = client.post("/api/actors", json={
                        "kind": "organisation", "ident": ident, "name": f"Essai {ident}",
                        "source": "essai de charge", "licence": "test"})
                    rel = client.post("/api/relations", json={
                        "type": "MEMBER_OF", "start": write_on,
                        "end": f"organisation:{ident}", "source": "essai de charge",
                        "licence": "test"}) if made.status_code == 201 else None
                except httpx.HTTPError as exc:
                    with lock:
                        out.errors.append(f"écriture {ident} : {type(exc).__name__}")
                    continue
                with lock:
                    out.writes += 1
                    if made.status_code == 201:
                        out.acknowledged.append(f"organisation:{ident}")
                    else:
                        out.errors.append(f"écriture {ident} : {made.status_code}")
                    if rel is not None and rel.status_code == 201:
                        out.relations.append(str(rel.json()["key"]))
                    elif rel is not None:
                        out.errors.append(f"relation {ident} : {rel.status_code}")

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    threads += [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out
