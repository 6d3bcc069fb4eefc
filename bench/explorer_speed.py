"""Time to a settled 1,000-node view in headless Chromium: Maillage's explorer against a
default pyvis page of the same graph, in one run.

    apt-get install chromium
    .venv/bin/python bench/explorer_speed.py        # writes bench/explorer_speed.md

The graph is the SYNTHETIC département of ``tests/viz/synthetic_view.py`` (seeded),
1,100 communes and their links. The pyvis page is what ``Network.write_html`` produces
with its defaults (physics on, stabilisation); its CDN files are answered locally with
the same vis-network copy, so both pages run offline. Times run from navigation start to
the settled drawing: ``afterDrawing`` with server positions for Maillage,
``stabilizationIterationsDone`` for pyvis. Median of 3 runs each. Each run starts its own
server, so Maillage's first visit includes the server's layout of the view (computed
cold, as after a start or a write) just as pyvis's time includes its own layout; the same
view opened again (layout cached) is shown beside it.
"""

from __future__ import annotations

import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyvis.network import Network  # noqa: E402

from graph.sqlite_store import SqliteStore  # noqa: E402
from tests.serving import serve  # noqa: E402
from tests.viz.synthetic_view import DEPARTEMENT, load_synthetic_view  # noqa: E402

VENDOR = ROOT / "viz" / "static" / "vendor" / "vis-network"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
HOOK = """<script>
network.once("stabilizationIterationsDone", function () {
  document.body.dataset.settledAt = String(performance.now());
});
</script></body>"""


def pyvis_page(graph: dict[str, Any], path: Path) -> None:
    net = Network(height="900px", width="100%", directed=True)
    for n in graph["nodes"]:
        net.add_node(n["key"], label=n["name"])
    for e in graph["edges"]:
        net.add_edge(e["source"], e["target"])
    net.write_html(str(path), notebook=False)
    html = path.read_text(encoding="utf-8")
    # The CDN files are answered locally: their integrity hashes would not match the copy.
    html = re.sub(r'\s(integrity|crossorigin)="[^"]*"', "", html)
    path.write_text(html.replace("</body>", HOOK, 1), encoding="utf-8")


def offline(base: str) -> Any:
    """Answer the pyvis template's CDN files locally (same vis-network copy), block the
    others: both pages run offline."""
    from playwright.sync_api import Route

    def route(route: Route) -> None:
        url = route.request.url
        if url.endswith("vis-network.min.js") or url.endswith("vis-network.js"):
            route.fulfill(path=str(VENDOR / "vis-network.min.js"),
                          content_type="text/javascript")
        elif url.endswith("vis-network.min.css") or url.endswith("vis-network.css"):
            route.fulfill(path=str(VENDOR / "vis-network.css"), content_type="text/css")
        elif url.startswith(("file:", base)):
            route.continue_()
        else:  # bootstrap and other CDN files of the pyvis template
            route.fulfill(body="", content_type="text/plain")

    return route


def settled(page, url: str) -> float:  # type: ignore[no-untyped-def]
    page.goto(url)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        value = page.evaluate("() => document.body && document.body.dataset.settledAt")
        if value:
            return float(value)
        time.sleep(0.05)
    raise RuntimeError(f"jamais stabilisé : {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = SqliteStore(folder / "bench.db")
        load_synthetic_view(store)
        store.close()
        with serve(folder / "bench.db", "bench", folder / "serve.log") as base:
            graph = httpx.get(f"{base}/api/graph", params={"departement": DEPARTEMENT,
                                                           "limit": 2000}, timeout=120).json()
        pyvis_file = folder / "pyvis.html"
        pyvis_page(graph, pyvis_file)
        results: dict[str, list[float]] = {"maillage": [], "maillage-warm": [], "pyvis": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for run in range(3):
                # a server started for each run: the view's layout is computed cold, as
                # the first visit after a start or a write sees it; then the same page again
                with serve(folder / "bench.db", "bench", folder / f"serve{run}.log") as base:
                    for name, url in (
                            ("maillage", f"{base}/#departement={DEPARTEMENT}&limit=2000"),
                            ("maillage-warm", f"{base}/#departement={DEPARTEMENT}&limit=2000"),
                            ("pyvis", pyvis_file.as_uri())):
                        page = browser.new_page(viewport={"width": 1400, "height": 900})
                        page.route("**/*", offline(base))
                        results[name].append(settled(page, url))
                        page.close()
            browser.close()
    ours, theirs = statistics.median(results["maillage"]), statistics.median(results["pyvis"])
    warm = statistics.median(results["maillage-warm"])
    lines = ["# Affichage d'une vue de 1 000 nœuds dans Chromium", "",
             f"Machine : {platform.platform()}. Commande : "
             "`.venv/bin/python bench/explorer_speed.py`. Graphe **synthétique** "
             f"({len(graph['nodes'])} nœuds, {len(graph['edges'])} relations).", "",
             "| page | temps jusqu'à la vue stable (ms, médiane de 3) | essais (ms) |",
             "|---|---|---|",
             f"| Maillage, serveur démarré pour l'essai (mise en page calculée à froid) | "
             f"{ours:.0f} | " + ", ".join(f"{v:.0f}" for v in results["maillage"]) + " |",
             f"| Maillage, la même vue rouverte (mise en page en cache) | {warm:.0f} | "
             + ", ".join(f"{v:.0f}" for v in results["maillage-warm"]) + " |",
             "| page pyvis par défaut (physique, stabilisation) | "
             f"{theirs:.0f} | " + ", ".join(f"{v:.0f}" for v in results["pyvis"]) + " |",
             "", f"Rapport (à froid) : Maillage est {theirs / ours:.1f} fois plus rapide que "
             "la page pyvis.", "",
             f"Objectifs (ticket 14) : vue stable ≤ 1 000 ms à froid — {ours:.0f} ms, "
             + ("atteint" if ours <= 1000 else "**manqué**")
             + f" ; ≥ 10 × plus rapide que pyvis — {theirs / ours:.0f} ×, "
             + ("atteint" if theirs / ours >= 10 else "**manqué**") + "."]
    out = Path(__file__).with_name("explorer_speed.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
