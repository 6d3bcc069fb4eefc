"""The review list as the user works it: JSON, short ids that paste whole, French labels,
départements beside candidates, and every item settleable (a missing country included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.sqlite_store import SqliteStore
from service.cli import app
from service.settings import get_settings

HEADER = "collectivite;code;departement;type_relation;partenaire;pays;periode;source"
ROWS = ["Magné;;;jumelage;Ville de Kaya;BF;2019;https://exemple.org/magne",
        "Ville de Niort;79191;;jumelage;Marburg;;2024;https://exemple.org/niort"]


@pytest.fixture
def cli(ref_store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{ref_store.path}")
    get_settings.cache_clear()
    path = tmp_path / "a-verifier.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(path), "--partial"])
    assert result.exit_code == 0, result.output
    return runner


def mine(runner: CliRunner) -> list[dict[str, object]]:
    result = runner.invoke(app, ["review", "--json"])
    assert result.exit_code == 0, result.output
    return [i for i in json.loads(result.stdout) if i["file"] == "a-verifier.csv"]


def test_review_json_french_and_departements(cli: CliRunner) -> None:
    items = {str(i["name"]): i for i in mine(cli)}
    assert set(items) == {"Magné", "Ville de Niort"}
    magne = items["Magné"]
    assert magne["status"] == "à vérifier" and len(str(magne["id"])) == 8
    assert {(c["key"], c["departement"]) for c in magne["candidates"]} == {  # type: ignore[attr-defined]
        ("commune:79162", "Deux-Sèvres"), ("commune:86141", "Vienne")}
    assert items["Ville de Niort"]["country_missing"] is True
    text = cli.invoke(app, ["review"], terminal_width=60).stdout
    assert str(magne["id"]) in text and "open" not in text  # whole ids, French words


def test_settle_by_short_id_and_by_country(cli: CliRunner, ref_store: SqliteStore) -> None:
    items = {str(i["name"]): i for i in mine(cli)}
    done = cli.invoke(app, ["review", "--settle", str(items["Magné"]["id"]),
                            "--as", "commune:79162"])
    assert done.exit_code == 0, done.output
    niort = cli.invoke(app, ["review", "--settle", str(items["Ville de Niort"]["id"]),
                             "--as", "country:DE"])
    assert niort.exit_code == 0, niort.output
    twins = [n.node.key for n in ref_store.neighbours("commune:79191", types=["TWINNED_WITH"],
                                                        direction="out")]
    assert "territory:de-marburg" in twins
    assert mine(cli) == []
    unknown = cli.invoke(app, ["review", "--dismiss", "zzzz"])
    assert unknown.exit_code == 2 and "introuvable" in unknown.output
