"""Run the real API in a uvicorn process on a free loopback port, for browser and
schemathesis tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.bolt_server import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serve(db: Path | str, token: str, log: Path, **env_extra: str) -> Iterator[str]:
    """``db``: a SQLite file, or a store URL (then ``env_extra`` carries its settings,
    e.g. ``MAILLAGE_NEO4J_PASSWORD``)."""
    port = free_port()
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    env = {**os.environ, "MAILLAGE_STORE": url, "MAILLAGE_API_TOKEN": token, **env_extra}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(log.read_text(errors="replace"))
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
