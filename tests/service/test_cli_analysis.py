from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.settings import get_settings

runner = CliRunner()


@pytest.fixture
def real_store(reference_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{reference_db}")
    get_settings.cache_clear()


def test_opportunities_country_json_names_keys(real_store: None) -> None:
    result = runner.invoke(app, ["opportunities", "--country", "BF", "--json"])
    assert result.exit_code == 0, result.output
    consortia = json.loads(result.stdout)
    assert consortia
    lead = consortia[0]["lead"]
    assert lead["actor"].split(":")[0] in ("commune", "epci", "departement", "region")
    assert lead["name"] and lead["reasons"][0]["sources"]
    assert any("Burkina Faso" in r["text"] for r in lead["reasons"])


def test_opportunities_table_is_french(real_store: None) -> None:
    result = runner.invoke(app, ["opportunities", "--country", "SN", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert "chef de file" in result.output and "Sénégal" in result.output
    assert "Financements et partenaires" in result.output


def test_actor_suggestions_and_unknown_actor(real_store: None) -> None:
    result = runner.invoke(app, ["opportunities", "--actor", "commune:86194", "--json"])
    suggestions = json.loads(result.stdout)
    # Grand Poitiers co-signed the 2025 Moundou agreement: a partner already, not a suggestion
    assert suggestions and all(s["reasons"] for s in suggestions)
    assert "epci:200069854" not in [s["actor"] for s in suggestions]
    bad = runner.invoke(app, ["opportunities", "--actor", "commune:00000"])
    assert bad.exit_code == 2 and "Inconnu" in bad.output


def test_gaps_json_and_rule(real_store: None) -> None:
    result = runner.invoke(app, ["gaps", "--json"])
    gaps = {g["rule"]: g for g in json.loads(result.stdout)}
    assert set(gaps) == {"zones-blanches", "acteurs-disperses", "eau-sans-agence",
                         "partenaires-absents", "odd-non-traites", "relations-anciennes",
                         "qualite-donnees"}
    unresolved = [i for i in gaps["qualite-donnees"]["items"] if i["problem"] == "fait non résolu"]
    assert any(i["name"] == "Magné" for i in unresolved)
    one = runner.invoke(app, ["gaps", "--rule", "zones-blanches", "--limit", "3"])
    assert one.exit_code == 0 and "Zones blanches" in one.output
    assert runner.invoke(app, ["gaps", "--rule", "nope"]).exit_code == 2


def test_path_and_metrics(real_store: None, reference_db: Path) -> None:
    result = runner.invoke(app, ["path", "commune:86194", "commune:79191"])
    assert result.exit_code == 0 and "Poitiers" in result.output and "Niort" in result.output
    metrics = json.loads(runner.invoke(app, ["metrics", "--json"]).stdout)
    assert metrics["brokers"][0]["key"] == "region:75"
    # each community's most active members first (its core), not in alphabetical order
    from graph.sqlite_store import SqliteStore
    from service.context import Context

    index = Context(SqliteStore(reference_db)).index()
    for group in metrics["communities"]:
        active = [index.by_actor[k].relations if k in index.by_actor else 0 for k in group]
        assert active == sorted(active, reverse=True), group
    assert any(group != sorted(group) for group in metrics["communities"])


def test_consortia_for_burkina_faso_differ_and_fit(real_store: None) -> None:
    from itertools import combinations

    from graph.funding import AGENCY

    result = runner.invoke(app, ["opportunities", "--country", "BF", "--top", "5", "--json"])
    assert result.exit_code == 0, result.output
    consortia = json.loads(result.stdout)
    assert len(consortia) == 5
    teams = [{c["lead"]["actor"], *(m["actor"] for m in c["members"])} for c in consortia]
    assert len({c["lead"]["actor"] for c in consortia}) == 5
    for a, b in combinations(teams, 2):
        assert len(a & b) <= min(len(a), len(b)) / 2
    for c in consortia:
        for member in [c["lead"], *c["members"]]:
            for reason in member["reasons"]:
                # reasons drawn from Burkina Faso relations only
                assert reason["kind"] in ("country", "territory", "theme")
                if reason["kind"] == "country":
                    assert reason["item"] == "country:BF"
                if reason["kind"] == "territory":
                    assert reason["item"].startswith("territory:bf-")
        funders = {f["key"] for f in c["funding"]}
        water = any(r["item"] == "theme:eau-assainissement"
                    for m in [c["lead"], *c["members"]] for r in m["reasons"])
        agencies = funders & set(AGENCY.values())
        assert water or not agencies  # no water agency outside water and sanitation
        names = {m["name"] for m in [c["lead"], *c["members"]]}
        for f in c["funding"]:
            for basin, agency in AGENCY.items():
                if f["key"] == agency:  # « projet eau dans le bassin X : <members> »
                    assert f"bassin {basin} : " in f["why"]
                    held = f["why"].split(f"bassin {basin} : ", 1)[1]
                    assert held and set(held.split(", ")) <= names


def test_opportunities_scope_region_or_france(real_store: None) -> None:
    def members(*scope: str) -> list[dict[str, object]]:
        result = runner.invoke(app, ["opportunities", "--country", "BF", "--top", "5",
                                     "--json", *scope])
        assert result.exit_code == 0, result.output
        return [m for c in json.loads(result.stdout) for m in [c["lead"], *c["members"]]]

    region = members()
    assert region == members("--scope", "region")
    assert not any(m["outside_region"] for m in region)
    france = members("--scope", "france")
    outside = [m for m in france if m["outside_region"]]
    assert outside and all(m["reasons"] for m in outside)
    table = runner.invoke(app, ["opportunities", "--country", "BF", "--scope", "france"])
    assert "(hors région)" in table.output
    refused = runner.invoke(app, ["opportunities", "--country", "BF", "--scope", "monde"])
    assert refused.exit_code != 0 and "périmètre inconnu" in refused.output


def test_no_consortium_says_which_actions_would_help(real_store: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Bretagne as home région: the reference knows no water action there
    monkeypatch.setenv("MAILLAGE_REGION", "53")
    get_settings.cache_clear()
    result = runner.invoke(app, ["opportunities", "--theme", "eau-assainissement"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Aucun consortium pour Eau et assainissement" in result.output
    assert "Importer les actions connues sur ce thème" in result.output
    get_settings.cache_clear()


def test_the_observatory_names_the_report_of_its_year(real_store: None, tmp_path: Path) -> None:
    result = runner.invoke(app, ["observatory", "--annee", "2020"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    named = result.output.strip().rsplit("Le rapport : maillage ", 1)[1].split()
    assert named == ["report", "observatoire:2020"]
    written = runner.invoke(app, [*named, "--format", "md", "-o", str(tmp_path / "o.md")])
    assert written.exit_code == 0, written.output
    assert "2020" in (tmp_path / "o.md").read_text(encoding="utf-8")
