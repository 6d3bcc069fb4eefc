"""Bulk work and memory: the collector paused, large temporaries handed back."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from graph.collection import paused

ROOT = Path(__file__).resolve().parents[2]
# Large temporaries freed while small objects made after each stay alive (a server's
# request): how much memory the process keeps, in MB.
KEPT = """
import sys
import numpy as np
from graph.collection import large_blocks_to_system
if sys.argv[1] == "on":
    assert large_blocks_to_system()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
first = np.ones(20_000_000 // 8)
del first  # glibc raises its mapping threshold after this free
base = rss()
kept, blocks = [], []
for _ in range(8):
    blocks.append(np.ones(5_000_000 // 8))
    kept.append(bytearray(64 * 1024))
del blocks
print(rss() - base)
"""


def _kept(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", KEPT, mode], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.strip())


@pytest.mark.skipif(not Path("/proc/self/status").exists() or sys.platform != "linux",
                    reason="mesure de la mémoire par /proc (Linux)")
def test_large_temporaries_go_back_to_the_system() -> None:
    without, with_it = _kept("off"), _kept("on")
    assert with_it <= 5 < without - 20  # 40 MB of blocks: kept without, handed back with


def test_collection_is_paused_and_restored_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
