"""``maillage serve`` with every garbage-collector pause recorded, for the benchmarks.

    python bench/gc_serve.py PAUSES.json --port 8000

Runs the same ``serve`` command; when the server stops (SIGTERM), writes the pauses as
``[[wall-clock start, generation, seconds], …]`` to ``PAUSES.json``.
"""

from __future__ import annotations

import gc
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.cli.data import serve

_pauses: list[tuple[float, int, float]] = []
_started = [0.0, 0.0]


def _timed(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[:] = [time.time(), time.perf_counter()]
    else:
        _pauses.append((_started[0], int(info["generation"]),
                        time.perf_counter() - _started[1]))


def main() -> None:
    out = Path(sys.argv[1])
    port = int(sys.argv[sys.argv.index("--port") + 1])
    gc.callbacks.append(_timed)
    # uvicorn raises the signal again once shut down: an exit, so that the file is written
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(host="127.0.0.1", port=port, public_reads=False)
    finally:
        out.write_text(json.dumps(_pauses), encoding="utf-8")


if __name__ == "__main__":
    main()
