"""The network's memory, walked as a chargée de mission's day: a meeting, a working group,
a funding application from a proposed consortium — then erasure and undo, checked on
every output."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph.sqlite_store import SqliteStore
from service.cli import app
from tests.service.test_api import AUTH, client_for

TODAY = date.today()
CLAIRE = {"name": "Claire Martin-Essai", "courriel": "claire.essai@example.org",
          "telephone": "05 49 99 88 77"}


@pytest.fixture
def db(regional_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    shutil.copyfile(regional_db, path)
    return path


@pytest.fixture
def api(db: Path) -> Iterator[TestClient]:
    with client_for(f"sqlite:///{db}") as client:
        yield client


def _post(api: TestClient, path: str, body: dict[str, Any], status: int = 201) -> Any:
    response = api.post(path, json=body, headers=AUTH)
    assert response.status_code == status, response.text
    return response.json()


def _day(api: TestClient) -> dict[str, Any]:
    """Record the day through the API; returns the keys made."""
    claire = _post(api, "/api/persons", {
        "name": CLAIRE["name"], "organisation": "commune:86194",
        "function": "chargée des relations internationales", "legal_basis": "fonction publique",
        "purpose": "suivi de la coopération avec Moundou", "source": "annuaire de la ville",
        "courriel": CLAIRE["courriel"], "telephone": CLAIRE["telephone"]})["key"]
    jean = _post(api, "/api/persons", {
        "name": "Jean Petit-Essai", "organisation": "organisation:ps-eau",
        "legal_basis": "consentement", "purpose": "groupe eau", "source": "réunion"})["key"]
    meeting = _post(api, "/api/interactions", {
        "date": (TODAY - timedelta(days=7)).isoformat(), "mode": "réunion",
        "topic": "Eau potable à Moundou", "actors": ["commune:86194", "organisation:ps-eau"],
        "persons": [claire, jean], "places": ["territory:td-moundou"],
        "themes": ["theme:eau-assainissement"], "next_step": "Envoyer la note de cadrage",
        "due": (TODAY - timedelta(days=1)).isoformat(),
        "notes": f"{CLAIRE['name']} ({CLAIRE['telephone']}) relance l'agence"})["key"]
    group = _post(api, "/api/groups", {"name": "Groupe eau et assainissement essai",
                                       "form": "groupe thématique",
                                       "themes": ["theme:eau-assainissement"]})["key"]
    for member in (claire, jean, "commune:86194"):
        _post(api, f"/api/groups/{group}/members", {"member": member}, 200)
    application = _post(api, "/api/applications/depuis-consortium", {
        "call": "oudin-santini", "year": TODAY.year, "territory": "territory:td-moundou",
        "amount_requested": 40000})
    _post(api, f"/api/applications/{application['key']}/statut", {"status": "deposee"}, 200)
    return {"claire": claire, "jean": jean, "meeting": meeting, "group": group,
            "application": application}


def test_a_real_day_shows_everywhere(api: TestClient) -> None:
    made = _day(api)
    application = made["application"]
    # the consortium Maillage proposes for Moundou, and only the funders of the 1 %
    assert application["lead"]["key"] == "commune:86194"
    funders = {f["key"] for f in application["funders"]}
    assert "organisation:agence-eau-loire-bretagne" in funders
    assert "organisation:ps-eau" in funders
    assert not funders & {"programme:ficol", "organisation:agence-eau-adour-garonne"}
    # the actor page
    suivi = api.get("/api/actors/commune:86194/suivi").json()
    assert [i["key"] for i in suivi["interactions"]] == [made["meeting"]]
    assert suivi["interactions"][0]["persons"] == []  # who was met: personal
    assert suivi["interactions"][0]["notes"] is None
    assert [g["key"] for g in suivi["groups"]] == [made["group"]]
    assert [(a["key"], a["status"]) for a in suivi["applications"]] == [
        (application["key"], "deposee")]
    assert api.get("/api/actors/commune:86194/suivi?personnel=true").status_code == 401
    private = api.get("/api/actors/commune:86194/suivi?personnel=true", headers=AUTH).json()
    assert {p["key"] for p in private["interactions"][0]["persons"]} == {made["claire"],
                                                                          made["jean"]}
    # « à relancer », the pipeline, the group, the observatory report
    overdue = api.get("/api/interactions/a-relancer").json()
    assert [i["key"] for i in overdue] == [made["meeting"]]
    assert [a["key"] for a in api.get("/api/pipeline").json()["deposee"]] == [application["key"]]
    group = api.get(f"/api/groups/{made['group']}").json()
    assert {m["key"] for m in group["members"]} == {made["claire"], made["jean"],
                                                    "commune:86194"}
    report = api.get("/api/reports/observatoire?format=md").text
    assert application["name"] in report and "déposée" in report
    assert "1 échange(s) noté(s)" in report
    actor_report = api.get("/api/reports/commune:86194?format=md").text
    assert "Eau potable à Moundou" in actor_report and "à relancer" in actor_report
    # a public function is public (« travaille pour »), contact details are not
    assert CLAIRE["name"] in actor_report and CLAIRE["courriel"] not in actor_report
    ps_eau = api.get("/api/reports/organisation:ps-eau?format=md").text + json.dumps(
        api.get(f"/api/groups/{made['group']}").json(), ensure_ascii=False)
    assert "Jean Petit-Essai" not in ps_eau and "contact (nom non public)" in ps_eau
    # the step done: no longer to follow up
    _post(api, f"/api/interactions/{made['meeting']}/fait", {}, 200)
    assert api.get("/api/interactions/a-relancer").json() == []
    # every write is in the trail, by the token's holder
    history = api.get("/api/history?limit=20", headers=AUTH).json()
    assert [e["action"] for e in history] == ["crm"] * 10 + ["reference"]
    assert {e["who"] for e in history[:10]} == {"API (jeton d'écriture)"}
    assert api.get("/api/history").status_code == 401


def test_forms_refuse_in_french(api: TestClient) -> None:
    refused = api.post("/api/persons", headers=AUTH, json={
        "name": "X", "organisation": "commune:86194", "legal_basis": "parce que",
        "purpose": "p", "source": "s"})
    assert refused.status_code == 422 and refused.json()["detail"] == (
        "body.legal_basis : valeur parmi : 'consentement' ou 'fonction publique'")
    past = api.post("/api/persons", headers=AUTH, json={
        "name": "X", "organisation": "commune:86194", "legal_basis": "consentement",
        "purpose": "p", "source": "s", "retain_until": "2001-01-01"})
    assert past.status_code == 409 and "conservation passée" in past.json()["detail"]
    unknown = api.post("/api/interactions", headers=AUTH, json={
        "date": "2026-01-05", "mode": "appel", "topic": "t", "actors": ["commune:00000"]})
    assert unknown.status_code == 404 and "commune:00000" in unknown.json()["detail"]
    bad_date = api.get("/api/interactions?start=0")
    assert bad_date.status_code == 422 and "AAAA-MM-JJ" in bad_date.json()["detail"]
    assert api.post("/api/groups", json={"name": "g", "form": "plateforme"}).status_code == 401


def _outputs(db: Path, api: TestClient, tmp_path: Path, claire: str) -> str:
    """Everything Maillage can put out: API reads (personal ones with the token), reports
    with contacts, exports with personal data, a backup, the history."""
    runner = CliRunner()
    env = {"MAILLAGE_STORE": f"sqlite:///{db}"}
    texts = [api.get(path, headers=AUTH).text for path in (
        "/api/actors/commune:86194?personnel=true", "/api/actors/commune:86194/suivi?personnel=true",
        "/api/interactions?personnel=true", "/api/groups", "/api/pipeline",
        "/api/history?limit=1000", "/api/reports/commune:86194?format=md&personnel=true",
        "/api/reports/observatoire?format=md", "/api/reports/organisation:ps-eau?format=md"
        "&personnel=true")]
    texts += [json.dumps(api.get(f"/api/history/{e['id']}", headers=AUTH).json(),
                         ensure_ascii=False)
              for e in api.get("/api/history?limit=1000", headers=AUTH).json()]
    for args in (["export", "--format", "json", "--donnees-personnelles"],
                 ["export", "--format", "graphml", "--donnees-personnelles"],
                 ["history", "--json", "--nombre", "1000"],
                 ["backup", str(tmp_path / "sauvegarde.jsonl")]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        texts.append(result.output)
    texts.append((tmp_path / "sauvegarde.jsonl").read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_erasing_a_person_removes_every_trace(db: Path, api: TestClient, tmp_path: Path) -> None:
    made = _day(api)
    before = _outputs(db, api, tmp_path, made["claire"])
    assert all(secret in before for secret in CLAIRE.values())  # the search can find them
    held = api.get(f"/api/persons/{made['claire']}/export", headers=AUTH).json()
    assert held["personne"]["props"]["courriel"] == CLAIRE["courriel"]
    assert made["meeting"] in {m["key"] for m in held["mentions"]}
    erased = api.delete(f"/api/persons/{made['claire']}", headers=AUTH)
    assert erased.status_code == 200, erased.text
    after = _outputs(db, api, tmp_path, made["claire"])
    for secret in [*CLAIRE.values(), made["claire"]]:
        assert secret not in after
    assert "Jean Petit-Essai" in after  # the other person stays
    last = api.get("/api/history?limit=1", headers=AUTH).json()[0]
    assert (last["action"], last["label"], last["keys"]) == ("erase", "une personne", [])
    assert api.get(f"/api/persons/{made['claire']}/export", headers=AUTH).status_code == 404


ROWS = ("collectivite;code;departement;type_relation;partenaire;pays;thematique;periode;"
        "description;source\n"
        "Niort;79191;79;coopération;Partenaire fictif essai;BF;eau;2021-2024;forages;https://ex.org/a\n"
        "Poitiers;86194;86;jumelage;Marburg;DE;culture;2024;échanges;https://ex.org/b\n")


def _query_results(db: Path) -> str:
    store = SqliteStore(db)
    try:
        nodes, rels = store.export()
        return json.dumps([store.counts().model_dump(), [n.model_dump() for n in nodes],
                           [r.model_dump() for r in rels],
                           [i.model_dump() for i in store.review_items()]],
                          ensure_ascii=False, sort_keys=True)
    finally:
        store.close()


def test_undo_of_an_import_is_exact_and_keeps_a_later_write(db: Path, api: TestClient,
                                                            tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"MAILLAGE_STORE": f"sqlite:///{db}"}
    source = tmp_path / "actions.csv"
    source.write_text(ROWS, encoding="utf-8")
    before = _query_results(db)
    imported = runner.invoke(app, ["ingest", str(source)], env=env)
    assert imported.exit_code == 0, imported.output
    after_import = _query_results(db)
    assert after_import != before  # it wrote: a new place, attestations
    import_id = imported.output.split("maillage undo ")[1].split()[0].strip("»").strip()
    group = _post(api, "/api/groups", {"name": "Plateforme AECT essai", "form": "plateforme"})
    undone = runner.invoke(app, ["undo", import_id], env=env)
    assert undone.exit_code == 0, undone.output
    store = SqliteStore(db)
    assert store.get_node(group["key"]) is not None  # the later unrelated write survives
    store.delete_node(group["key"])  # … and, taken out, the rest is byte for byte as before
    store.close()
    assert _query_results(db) == before
    # undo of the undo brings the import back
    redo = undone.output.split("maillage undo ")[1].split()[0]
    assert runner.invoke(app, ["undo", redo], env=env).exit_code == 0
    assert _query_results(db) == after_import
    history = runner.invoke(app, ["history", "--json"], env=env)
    actions = [e["action"] for e in json.loads(history.output)]
    assert actions[:4] == ["undo", "write", "undo", "crm"] and "import" in actions
