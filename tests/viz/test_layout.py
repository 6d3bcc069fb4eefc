"""The server-side layout: the same positions for the same view, whatever the machine's
BLAS threads (the server runs one, a report as many as cores)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLACE = """
import hashlib, random
import networkx as nx
from viz.network import layout
rng = random.Random(5)
g = nx.Graph()
g.add_nodes_from(f"n{i}" for i in range(1200))
g.add_edges_from((f"n{rng.randrange(1200)}", f"n{rng.randrange(1200)}") for _ in range(2400))
print(hashlib.sha256(repr(sorted(layout(g).items())).encode()).hexdigest())
"""


def _positions(threads: str) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
    return subprocess.run([sys.executable, "-c", PLACE], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_positions_do_not_depend_on_blas_threads() -> None:
    one, two = _positions("1"), _positions("2")
    assert one and one == two
