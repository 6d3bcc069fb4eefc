"""Personal data is marked by the model, not guessed from two field names: it never leaves
through reads, exports, views or reports unless an authorised caller asks for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph.model import Node, Provenance, Relationship, RelType, relationship_key
from graph.sqlite_store import SqliteStore
from service.cli import app
from tests.service.test_api import AUTH, client_for

P = Provenance(source="https://a.example/annuaire", licence="test")
PERSON = "person:jeanne-martin-86194"
# one value per way a file may call a personal field, and one declared by the record
SECRETS = {"email": "jm@example.org", "mobile": "+33 6 11 22 33 44",
           "courriel": "contact-perso@example.org", "adresse": "3 rue des Lilas",
           "ville_natale": "Lieu-de-naissance-fictif"}


def _people(path: Path) -> None:
    store = SqliteStore(path)
    store.upsert_nodes([
        Node(key=PERSON, name="Jeanne Martin", provenance=P, props={
            "function": "adjointe aux relations internationales", "email": SECRETS["email"],
            "mobile": SECRETS["mobile"], "ville_natale": SECRETS["ville_natale"]}),
        Node(key="organisation:asso-lilas", name="Association des Lilas", provenance=P, props={
            "acronym": "ADL", "courriel": SECRETS["courriel"], "adresse": SECRETS["adresse"],
            "personal": ["adresse"]})])
    store.upsert_relationships([Relationship(
        key=relationship_key(PERSON, RelType.WORKS_FOR, "commune:86194"),
        type=RelType.WORKS_FOR, start=PERSON, end="commune:86194", provenance=P)])
    store.close()


@pytest.fixture
def people_db(reference_db: Path, tmp_path: Path) -> Path:
    import shutil

    path = tmp_path / "people.db"
    shutil.copyfile(reference_db, path)
    _people(path)
    return path


@pytest.fixture
def client(people_db: Path) -> Iterator[TestClient]:
    with client_for(f"sqlite:///{people_db}") as c:
        yield c


def _leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


def test_reads_views_and_reports_leave_personal_data_out(client: TestClient) -> None:
    person = client.get(f"/api/actors/{PERSON}").json()
    assert person["actor"]["props"] == {"function": "adjointe aux relations internationales"}
    assert client.get("/api/actors/organisation:asso-lilas").json()["actor"]["props"] == {
        "acronym": "ADL"}
    for url in (f"/api/actors/{PERSON}", "/api/actors/organisation:asso-lilas",
                f"/api/graph?focus={PERSON}", "/api/graph?focus=commune:86194&depth=2",
                f"/api/graph.graphml?focus={PERSON}", "/api/reports/commune:86194?format=md",
                "/api/reports/organisation:asso-lilas?format=md",
                "/api/actors?q=martin", "/api/search?q=jeanne"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.text) == [], url


def test_an_authorised_caller_may_ask_for_them(client: TestClient) -> None:
    url = f"/api/actors/{PERSON}?personnel=true"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer faux"}).status_code == 401
    full = client.get(url, headers=AUTH).json()["actor"]["props"]
    assert full["email"] == SECRETS["email"] and full["ville_natale"] == SECRETS["ville_natale"]
    # the answer given to the authorised caller is not served to the next one
    assert _leaks(client.get(f"/api/actors/{PERSON}").text) == []
    report = client.get("/api/reports/organisation:asso-lilas?format=md&personnel=true")
    assert report.status_code == 401


def test_exports_leave_them_out_unless_asked(people_db: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from service.settings import get_settings

    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{people_db}")
    get_settings.cache_clear()
    runner = CliRunner()
    for fmt in ("json", "graphml"):
        out = tmp_path / f"export.{fmt}"
        assert runner.invoke(app, ["export", "--format", fmt, "-o", str(out)]).exit_code == 0
        assert _leaks(out.read_text(encoding="utf-8")) == [], fmt
        full = tmp_path / f"full.{fmt}"
        result = runner.invoke(app, ["export", "--format", fmt, "-o", str(full),
                                     "--donnees-personnelles"])
        assert result.exit_code == 0, result.output
        assert sorted(_leaks(full.read_text(encoding="utf-8"))) == sorted(SECRETS), fmt
    nodes = {n["key"]: n for n in json.loads((tmp_path / "export.json").read_text())["nodes"]}
    assert nodes[PERSON]["props"] == {"function": "adjointe aux relations internationales"}

    report = tmp_path / "r.md"
    command = ["report", "organisation:asso-lilas", "--format", "md", "-o", str(report)]
    assert runner.invoke(app, command).exit_code == 0
    assert _leaks(report.read_text(encoding="utf-8")) == []
    assert runner.invoke(app, [*command, "--contacts"]).exit_code == 0
    assert _leaks(report.read_text(encoding="utf-8")) == ["courriel", "adresse"]
