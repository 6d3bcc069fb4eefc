"""A schemathesis run with every check against the served OpenAPI schema: no 5xx, no
response, status, content type or header off the schema, no valid request refused and no
invalid one accepted, no open door on a write.

The API runs in a real uvicorn process on a free loopback port, on a copy of the
reference data; schemathesis's own command line drives it (with the write token, so the
write routes are exercised too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import serve

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def served(reference_db: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    copy = tmp_path / "api.db"
    shutil.copyfile(reference_db, copy)
    with serve(copy, "secret", tmp_path / "serve.log") as base:
        yield base, "secret"


def test_schemathesis_all_checks(served: tuple[str, str], tmp_path: Path) -> None:
    base, token = served
    result = subprocess.run(
        [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG),
         "run", f"{base}/openapi.json",
         "--checks", "all",
         # one worker: two threads may parse lambdas' sources at once (Hypothesis describes
         # its strategies), which trips CPython 3.11's AST recursion counter (gh-106905)
         "--max-examples", "25", "--seed", "1", "--workers", "1",
         "-H", f"Authorization: Bearer {token}", "--warnings", "off",
         "--report", "junit", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # it really exercised the API: every operation of the schema is in the report
    import xml.etree.ElementTree as ET

    [report] = list(tmp_path.glob("*.xml"))
    suite = ET.parse(report).getroot()
    tested = {case.get("name") for case in suite.iter("testcase")}
    spec = httpx.get(f"{base}/openapi.json").json()
    operations = {f"{method.upper()} {path}" for path, item in spec["paths"].items()
                  for method in item}
    assert tested == operations
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
