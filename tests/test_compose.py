"""The production compose file can start: each service's healthcheck uses only variables
that service has, the API waits for a healthy Neo4j, loads the reference only into an
empty base, and serves the explorer's reads on the loopback-published port."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_healthchecks_use_only_their_own_variables() -> None:
    services = compose()["services"]
    for name, service in services.items():
        check = " ".join(service.get("healthcheck", {}).get("test", []))
        used = set(re.findall(r"\$\$\{?(\w+)\}?", check))
        assert used <= set(service.get("environment", {})), (name, used)
    assert services["neo4j"]["healthcheck"] and services["api"]["healthcheck"]


def test_api_starts_as_the_users_expect() -> None:
    api = compose()["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    command = " ".join(api["command"])
    assert "maillage init --if-empty" in command and "--public-reads" in command
    assert all(str(p).startswith("127.0.0.1:") for p in api["ports"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango" in dockerfile and "USER maillage" in dockerfile
    assert "HEALTHCHECK" in dockerfile


def test_the_installed_package_carries_its_data_files() -> None:
    """The Docker image installs Maillage with ``pip install .`` (not editable): every
    file the code reads beside itself must be declared as package data."""
    import fnmatch
    import tomllib

    from graph.ranking import MODEL_FILE
    from ingest.reference.load import FACTS
    from viz.report import TEMPLATES

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]
    for path in (MODEL_FILE, FACTS, TEMPLATES / "report.html",
                 ROOT / "viz/static/vendor/swagger-ui/swagger-ui-bundle.js"):
        package, *rest = path.relative_to(ROOT).parts
        inside = "/".join(rest)
        assert any(fnmatch.fnmatch(inside, pattern) for pattern in declared.get(package, [])), path
