"""The API with FastAPI's TestClient: real data on SQLite; the same writes on both stores."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph.store import GraphStore
from service.api import create_app
from service.settings import Settings
from tests.helpers import bundled_rows, load

TOKEN = "jeton-de-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def client_for(url: str, **extra: object) -> TestClient:
    settings = Settings(store=url, api_token=SecretStr(TOKEN), **extra)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


@pytest.fixture
def real(reference_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    import shutil

    copy = tmp_path / "api.db"
    shutil.copyfile(reference_db, copy)
    with client_for(f"sqlite:///{copy}") as client:
        yield client


def test_poitiers_profile_with_sources(real: TestClient) -> None:
    response = real.get("/api/actors/commune:86194")
    assert response.status_code == 200
    body = response.json()
    assert body["actor"]["name"] == "Poitiers"
    assert body["actor"]["props"]["population"] > 80000
    twins = body["relations"]["TWINNED_WITH"]
    assert twins and all(r["source"].startswith(("http", "Wikidata (CC0), P190"))
                         for r in twins)
    # who else in France works with Poitiers' partners: Aix-en-Provence, with Coimbra
    shared = {s["partner"]["key"]: s["actors"] for s in body["same_partners"]}
    assert {"key": "commune:13001", "kind": "commune", "name": "Aix-en-Provence",
            "outside_region": True} in shared["territory:pt-coimbra"]
    member = body["relations"]["MEMBER_OF"]
    assert any(r["other"]["key"] == "epci:200069854" for r in member)
    # each relation says if it is current: attested in 2023, active; seen in 1971 only and
    # never said to have ended, to check
    status = {r["other"]["key"]: r["status"] for r in twins if r["period"] != "1961"}
    assert status["territory:de-marburg"] == "active"
    assert status["territory:ru-iaroslavl"] == "à vérifier"
    # a theme or a place has no status to follow
    assert body["relations"]["ADDRESSES"] and \
        all(r["status"] is None for r in body["relations"]["ADDRESSES"] + member)


def test_opportunities_senegal(real: TestClient) -> None:
    response = real.get("/api/opportunities", params={"country": "SN"})
    assert response.status_code == 200
    consortia = response.json()
    assert consortia and consortia[0]["lead"]["reasons"]
    assert any("Sénégal" in r["text"] for r in consortia[0]["lead"]["reasons"])
    assert consortia[0]["funding"]


def test_search_filters_and_paging(real: TestClient) -> None:
    found = real.get("/api/actors", params={"q": "POITIERS"}).json()
    assert "commune:86194" in [i["key"] for i in found["items"]]
    sn = real.get("/api/actors", params={"country": "SN", "limit": 2}).json()
    assert sn["total"] >= 3 and len(sn["items"]) == 2
    dep = real.get("/api/actors", params={"departement": "79", "kind": "commune",
                                          "limit": 200}).json()
    assert dep["total"] > 200 and all(i["kind"] == "commune" for i in dep["items"])
    assert real.get("/api/actors", params={"limit": 1000}).status_code == 422


def test_errors_are_french_problems(real: TestClient) -> None:
    missing = real.get("/api/actors/commune:00000")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["detail"] == "nœud inconnu : commune:00000"
    bad = real.get("/api/actors/commune:86194/neighbours", params={"depth": 9})
    assert bad.status_code == 422 and bad.json()["title"] == "Paramètres invalides"
    assert real.get("/api/gaps/nope").status_code == 404
    assert real.get("/nowhere").json()["detail"] == "adresse inconnue : /nowhere"


def test_country_gaps_path_graph_stats(real: TestClient) -> None:
    bf = real.get("/api/countries/BF").json()
    assert {"departement:33", "region:75"} <= {a["key"] for a in bf["actors"]}
    assert all(a["sources"] for a in bf["actors"])
    gaps = real.get("/api/gaps").json()
    assert len(gaps) == 7
    assert real.get("/api/gaps/zones-blanches").json()["items"]
    path = real.get("/api/path", params={"from": "commune:86194", "to": "commune:79191"}).json()
    assert path[0]["key"] == "commune:86194" and path[-1]["key"] == "commune:79191"
    view = real.get("/api/graph", params={"focus": "commune:86194", "depth": 2}).json()
    keys = {n["key"] for n in view["nodes"]}
    assert "commune:86194" in keys and "territory:td-moundou" in keys
    assert all(e["source"] in keys and e["target"] in keys for e in view["edges"])
    stats = real.get("/api/stats").json()
    assert stats["nodes"]["commune"] == bundled_rows("communes.csv")
    assert stats["review_open"] == len(real.get("/api/review", headers=AUTH).json()) > 0
    assert real.get("/health").json() == {"status": "ok"}
    assert real.get("/ready").status_code == 200


def test_import_dry_run_and_review(real: TestClient) -> None:
    csv = "collectivite;type_relation;partenaire;pays\nVille de Poitiers;jumelage;Marburg;DE\n"
    files = {"file": ("actions.csv", csv.encode(), "text/csv")}
    assert real.post("/api/import", files=files).status_code == 401
    dry = real.post("/api/import", files=files, headers=AUTH).json()
    assert dry["written"] is False and dry["rows"][0]["collectivite"] == "commune:86194"
    assert dry["audit"] == ""  # a simulation writes nothing, so no history
    before = real.get("/api/actors/commune:86194").json()
    done = real.post("/api/import", files=files, data={"dry_run": "false"}, headers=AUTH).json()
    assert done["written"] is True and done["audit"]
    assert real.get("/api/actors/commune:86194").json() != before  # one more attestation
    undone = real.post(f"/api/history/{done['audit']}/annuler", headers=AUTH)
    assert undone.status_code == 200 and undone.json()["undoes"] == done["audit"]
    assert real.get("/api/actors/commune:86194").json() == before
    again = real.post(f"/api/history/{done['audit']}/annuler", headers=AUTH)
    assert again.status_code == 409 and "déjà annulée" in again.json()["detail"]
    bad = real.post("/api/import", headers=AUTH,
                    files={"file": ("x.csv", b"collectivite;pays\nPoitiers;Narnia\n", "text/csv")})
    assert bad.status_code == 422 and "colonne obligatoire manquante" in bad.json()["detail"]
    items = real.get("/api/review", headers=AUTH).json()
    magne = next(i for i in items if i["name"] == "Magné")
    settled = real.post(f"/api/review/{magne['key']}/settle", headers=AUTH,
                        json={"key": "commune:79162"})
    assert settled.status_code == 200 and settled.json()["relations"] >= 1


@pytest.fixture
def small(store: GraphStore, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """Both stores (the contract's fixture), with the contract's small sample."""
    load(store)
    extra: dict[str, object] = {}
    if not store.url.startswith("sqlite"):
        server = request.getfixturevalue("bolt")
        extra = {"neo4j_user": server.user, "neo4j_password": SecretStr(server.password),
                 "neo4j_database": server.database}
    with client_for(store.url, **extra) as client:
        yield client


def test_writes_need_the_token_and_work(small: TestClient) -> None:
    body = {"kind": "organisation", "ident": "ps-eau", "name": "pS-Eau",
            "source": "https://www.pseau.org", "licence": "test"}
    assert small.post("/api/actors", json=body).status_code == 401
    assert small.post("/api/actors", json=body,
                      headers={"Authorization": "Bearer faux"}).status_code == 401
    created = small.post("/api/actors", json=body, headers=AUTH)
    assert created.status_code == 201 and created.json()["key"] == "organisation:ps-eau"
    assert small.post("/api/actors", json=body, headers=AUTH).status_code == 409
    rel = small.post("/api/relations", headers=AUTH, json={
        "type": "MEMBER_OF", "start": "commune:86194", "end": "organisation:ps-eau",
        "source": "test", "licence": "test"})
    assert rel.status_code == 201
    profile = small.get("/api/actors/organisation:ps-eau").json()
    assert profile["relations"]["MEMBER_OF"][0]["other"]["key"] == "commune:86194"
    patched = small.patch("/api/actors/organisation:ps-eau", headers=AUTH,
                          json={"props": {"acronym": "pS-Eau", "category": "association"}})
    assert patched.json()["props"]["acronym"] == "pS-Eau"
    # a JSON merge patch: what is not named stays, null removes, the source is remembered
    merged = small.patch("/api/actors/organisation:ps-eau", headers=AUTH, json={
        "props": {"acronym": None, "website": "https://www.pseau.org"},
        "source": "courriel du pS-Eau, 2026"}).json()
    assert merged["props"]["category"] == "association" and "acronym" not in merged["props"]
    assert "website=courriel du pS-Eau, 2026" in merged["props"]["prop_sources"]
    assert merged["source"] == "https://www.pseau.org"  # the node keeps its provenance
    project = small.post("/api/projects", headers=AUTH, json={
        "kind": "project", "ident": "bf-eau", "name": "Eau au Burkina", "source": "t",
        "licence": "t"})
    assert project.status_code == 201
    assert small.delete(f"/api/relations/{rel.json()['key']}", headers=AUTH).status_code == 200
    assert small.delete("/api/actors/organisation:ps-eau", headers=AUTH).status_code == 200
    assert small.get("/api/actors/organisation:ps-eau").status_code == 404
    assert small.delete("/api/projects/project:bf-eau", headers=AUTH).status_code == 200


def test_reads_can_be_protected(reference_db: Path) -> None:
    with client_for(f"sqlite:///{reference_db}", protect_reads=True) as client:
        reads = [path for path, item in client.get("/openapi.json").json()["paths"].items()
                 if "get" in item and path.startswith("/api/")]
        assert len(reads) > 30
        for path in reads:  # every read, none forgotten by a new router
            answer = client.get(re.sub(r"\{[^}]+\}", "commune:86194", path))
            assert answer.status_code == 401, path
            assert answer.headers["www-authenticate"] == "Bearer"
        assert client.get("/api/stats", headers=AUTH).status_code == 200
        assert client.get("/api/actors/commune:86194", headers=AUTH).status_code == 200
        assert client.get("/health").status_code == 200  # for monitors
    settings = Settings(store=f"sqlite:///{reference_db}", protect_reads=True)
    with TestClient(create_app(settings)) as client:
        refused = client.get("/api/stats")
        assert refused.status_code == 401
        assert "aucun jeton MAILLAGE_API_TOKEN" in refused.json()["detail"]
        assert "écriture" not in refused.json()["detail"]


def test_reports_over_http(real: TestClient) -> None:
    pdf = real.get("/api/reports/commune:86194", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    html = real.get("/api/reports/country:SN")
    assert html.status_code == 200 and "Consortiums proposés" in html.text
    assert real.get("/api/reports/commune:00000").status_code == 404
    assert real.get("/api/reports/reseau", params={"format": "doc"}).status_code == 422


def test_page_and_cli_share_one_use_case(real: TestClient) -> None:
    # the explorer sends country keys (country:SN); the API takes them like ISO codes
    by_key = real.get("/api/opportunities", params={"country": "country:SN"})
    assert by_key.status_code == 200
    assert by_key.json() == real.get("/api/opportunities", params={"country": "SN"}).json()
    view = real.get("/api/vis", params={"country": "country:SN"})
    assert view.status_code == 200 and view.json()["nodes"]
    vocabulary = real.get("/api/vocabulary").json()
    assert vocabulary["relation_labels"]["TWINNED_WITH"] == "jumelage"
    assert vocabulary["kind_labels"]["territory"] == "Collectivité étrangère"
    # no focus: the country where most of the network's actors act
    busiest = next(c["key"] for c in vocabulary["countries"])
    empty = real.get("/api/opportunities")
    assert empty.status_code == 200 and empty.json()
    assert empty.json() == real.get("/api/opportunities", params={"country": busiest}).json()


def test_a_bug_is_a_logged_500_not_a_client_error(reference_db: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    from service import views

    def broken(ctx: object) -> None:
        raise ValueError("bogue interne")

    monkeypatch.setattr(views, "vocabulary", broken)
    settings = Settings(store=f"sqlite:///{reference_db}", api_token=SecretStr(TOKEN))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/vocabulary")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Erreur interne"
    assert "bogue interne" in caplog.text


def test_writes_are_refused_before_their_body_is_read(reference_db: Path) -> None:
    settings = Settings(store=f"sqlite:///{reference_db}", api_token=SecretStr(TOKEN))
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    with TestClient(create_app(settings)) as client:
        anonymous = client.post("/api/actors", content=big,
                                headers={"content-type": "application/json"})
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert anonymous.headers["www-authenticate"] == "Bearer"
        too_big = client.post("/api/actors", content=big,
                              headers={**AUTH, "content-type": "application/json"})
        assert too_big.status_code == 413 and "octets" in too_big.json()["detail"]
        # reads are not concerned, and a normal write still goes through the route's checks
        assert client.get("/api/stats").status_code == 200
        assert client.post("/api/actors", json={}, headers=AUTH).status_code == 422


def test_invalid_parameters_are_explained_in_french(real: TestClient) -> None:
    bad = real.get("/api/actors", params={"country": "SEN"})
    assert bad.status_code == 422
    body = bad.json()
    assert body["errors"][0]["raison"] == "au plus 2 caractères"
    assert "should" not in body["detail"] and "String" not in body["detail"]


def test_search_finds_places_and_partners_exact_names_first(real: TestClient) -> None:
    poitiers = real.get("/api/search", params={"q": "poitiers"}).json()
    assert poitiers[0]["key"] == "commune:86194" and poitiers[0]["kind_label"] == "Commune"
    assert "epci:200069854" in {r["key"] for r in poitiers}
    moundou = real.get("/api/search", params={"q": "Moundou"}).json()
    assert moundou[0]["key"] == "territory:td-moundou"
    assert moundou[0]["kind_label"] == "Collectivité étrangère"
    senegal = real.get("/api/search", params={"q": "sénégal"}).json()
    assert senegal[0]["key"] == "country:SN"
    marbourg = real.get("/api/search", params={"q": "marbourg"}).json()  # an alias
    assert marbourg[0]["key"] == "territory:de-marburg"
    kaolack = real.get("/api/search", params={"q": "Kaolack"}).json()
    assert kaolack[0]["key"] == "territory:sn-kaolack"
    for typed in ("pS-Eau", "ps eau"):  # an acronym, typed with or without its hyphen
        assert real.get("/api/search", params={"q": typed}).json()[0]["key"] == \
            "organisation:ps-eau"


def test_hostile_upload_names_and_headers(real: TestClient) -> None:
    row = "collectivite;type_relation;partenaire;pays\nPoitiers;jumelage;Marburg;DE\n"
    for name in ("..", ".", "/", "../../etc/passwd"):
        sent = real.post("/api/import", headers=AUTH,
                         files={"file": (name, row.encode(), "text/csv")})
        assert sent.status_code == 200, (name, sent.text)
    page = real.get("/api/reports/commune:86194", params={"format": "md"})
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''maillage-commune-86194.md" in page.headers["content-disposition"]
    refused = real.post("/api/actors", headers=AUTH, json={
        "kind": "organisation", "ident": "a/b", "name": "x", "source": "s", "licence": "l"})
    assert refused.status_code == 422


def test_serve_on_the_loopback_answers_only_loopback_names(reference_db: Path,
                                                          tmp_path: Path) -> None:
    import httpx

    from tests.serving import serve

    with serve(reference_db, TOKEN, tmp_path / "serve.log") as base:
        assert httpx.get(f"{base}/api/stats").status_code == 200
        assert httpx.get(f"{base}/api/stats", headers={"host": "localhost"}).status_code == 200
        rebound = httpx.get(f"{base}/api/stats", headers={"host": "rebinding.example"})
        assert rebound.status_code == 400
        assert rebound.headers["content-type"] == "application/problem+json"


def test_the_country_view_is_about_that_country(real: TestClient) -> None:
    view = real.get("/api/graph", params={"country": "SN"}).json()
    kinds: dict[str, list[str]] = {}
    for node in view["nodes"]:
        kinds.setdefault(node["kind"], []).append(node["key"])
    assert kinds["country"] == ["country:SN"] and "theme" not in kinds  # no Italy, no themes
    assert kinds["territory"] and all(k.startswith("territory:sn-") for k in kinds["territory"])
    actors = {n["key"] for n in view["nodes"] if n["kind"] in ("commune", "epci",
                                                                "departement", "region")}
    senegal = real.get("/api/actors", params={"country": "SN", "limit": 200}).json()
    assert {a["key"] for a in senegal["items"]} <= actors and view["edges"]


def test_large_answers_are_compressed_for_those_who_ask(real: TestClient) -> None:
    asked = real.get("/api/actors/commune:86194", headers={"Accept-Encoding": "gzip"})
    assert asked.headers["content-encoding"] == "gzip"
    plain = real.get("/api/actors/commune:86194", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == asked.json()
    for answer in (asked, plain):  # a cache between keeps the two apart
        assert "Accept-Encoding" in answer.headers["vary"]
        assert answer.headers["x-content-type-options"] == "nosniff"
