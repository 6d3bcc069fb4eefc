"""A database that stops under a running API: every data route answers 503 in French
(problem+json, Retry-After), never a bare 500; health still answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph.neo4j_store import Neo4jStore
from service.api import create_app
from service.settings import Settings
from tests.bolt_server import start_arcadedb
from tests.helpers import load

SAMPLE = {"key": "commune:86194", "code": "86", "iso2": "BF", "kind": "epci",
          "source": "commune:86194", "target": "commune:79191", "layer": "departements",
          "item": "x", "theme": "eau", "rule": "zones-blanches", "from": "commune:86194",
          "to": "commune:79191", "country": "BF", "q": "poitiers", "ref": "20261129T000000-abcdef"}


@pytest.mark.skipif("os.environ.get('MAILLAGE_TEST_BOLT') == '0'")
def test_every_route_is_a_french_503_when_the_database_stops() -> None:
    server = start_arcadedb()  # its own server: this test stops it
    try:
        store = Neo4jStore(server.uri, server.user, server.password, server.database)
        store.setup_schema()
        load(store)
        store.close()
        settings = Settings(store=server.uri, neo4j_user=server.user,
                            neo4j_password=SecretStr(server.password),
                            neo4j_database=server.database, api_token=SecretStr("t"),
                            neo4j_retry_seconds=0.2)
        with TestClient(create_app(settings)) as client:
            assert client.get("/api/actors/commune:86194").status_code == 200
            server.stop()
            spec = client.get("/openapi.json").json()
            checked = 0
            for path, item in spec["paths"].items():
                if "get" not in item or path in ("/health",):
                    continue
                url = path.format(**SAMPLE)
                required = {p["name"]: SAMPLE[p["name"]]
                            for p in item["get"].get("parameters", [])
                            if p["in"] == "query" and p.get("required")}
                response = client.get(url, params=required, headers={"Authorization": "Bearer t"})
                assert response.status_code == 503, (url, response.status_code, response.text)
                assert response.headers["content-type"] == "application/problem+json", url
                assert response.json()["title"] == "Base indisponible", url
                assert "Neo4j ne répond pas" in response.json()["detail"], url
                assert response.headers.get("retry-after"), url
                checked += 1
            assert checked >= 20
            assert client.get("/health").status_code == 200
            write = client.post("/api/actors", headers={"Authorization": "Bearer t"}, json={
                "kind": "organisation", "ident": "x", "name": "X", "source": "s",
                "licence": "l"})
            assert write.status_code == 503
    finally:
        server.stop()
