"""The same store gives the same bytes in any process: Python's string hashing (a new
seed in every process) must never decide an order or a sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import ROOT

COMMANDS = [["metrics", "--json"], ["path", "commune:86194", "commune:79191"],
            ["opportunities", "--country", "SN", "--json"],
            ["opportunities", "--actor", "commune:86194", "--json"], ["gaps", "--json"],
            ["report", "reseau", "--format", "md", "-o", "-"]]


def run(db: Path, seed: str, args: list[str], out: Path) -> bytes:
    if args[-1] == "-":
        args = [*args[:-1], str(out)]
    env = {**os.environ, "MAILLAGE_STORE": f"sqlite:///{db}", "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "service.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, check=True, timeout=300)
    return out.read_bytes() if args[-1] == str(out) else done.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_identical_bytes_across_processes(reference_db: Path, tmp_path: Path,
                                          args: list[str]) -> None:
    outputs = {run(reference_db, seed, args, tmp_path / f"out-{seed}") for seed in ("1", "2", "3")}
    assert len(outputs) == 1
    assert len(next(iter(outputs))) > 50
