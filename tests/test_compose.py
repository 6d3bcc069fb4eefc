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
