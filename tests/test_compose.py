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


def test_the_explorer_reads_work_as_compose_configures_the_api(reference_db: Path,
                                                                tmp_path: Path) -> None:
    """The app with the compose environment (its defaults filled in, the store swapped for
    the reference file): the page's reads, sent without a token to the published name,
    succeed; another host name is refused; writes still need the token."""
    import shutil

    from fastapi.testclient import TestClient

    from service.api import create_app
    from service.settings import Settings

    env = compose()["services"]["api"]["environment"]

    def default(value: str) -> str:  # « ${X:-a,b} » → « a,b »; « ${X:?…} » → a test value
        match = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
        return match[1] if match else "valeur-de-test" if value.startswith("${") else value

    settings = {k.removeprefix("MAILLAGE_").lower(): default(str(v)) for k, v in env.items()
                if k.startswith("MAILLAGE_")}
    copy = tmp_path / "compose.db"
    shutil.copyfile(reference_db, copy)
    settings["store"] = f"sqlite:///{copy}"
    # `serve --public-reads` on 0.0.0.0 leaves reads open (the port is on the loopback)
    app = create_app(Settings.model_validate(settings))
    with TestClient(app, base_url="http://localhost:8000") as page:
        for url in ("/", "/api/vocabulary", "/api/graph", "/api/actors/commune:86194",
                    "/api/maps/na?layer=departements", "/api/maps/world", "/api/opportunities?country=BF"):
            assert page.get(url).status_code == 200, url
        refused = page.get("/api/vocabulary", headers={"host": "rebinding.example"})
        assert refused.status_code == 400 and "MAILLAGE_TRUSTED_HOSTS" in refused.json()["detail"]
        body = {"kind": "organisation", "ident": "x", "name": "X", "source": "s", "licence": "l"}
        assert page.post("/api/actors", json=body).status_code == 401
