from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from graph.export import graphml_ready
from graph.factory import open_store
from graph.projection import to_networkx
from ingest.reference.load import table_rows
from service.cli import app
from service.settings import get_settings
from tests.helpers import bundled_rows, load

runner = CliRunner()


def seeded() -> None:
    store = open_store(get_settings().store_url)
    load(store)
    store.close()


def test_stats_json_counts_by_kind() -> None:
    init = runner.invoke(app, ["init"])
    assert init.exit_code == 0, init.output
    assert f"{bundled_rows('na_relations.csv')} lignes" in init.output
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    tables = {"region": "regions.csv", "departement": "departements.csv",
              "commune": "communes.csv", "epci": "epci.csv"}
    assert {k: data["nodes"][k] for k in tables} == {k: bundled_rows(t) for k, t in tables.items()}
    # each commune in its EPCI (a few islands, Paris and the overseas collectivités have none)
    in_epci = sum(1 for r in table_rows("communes.csv") if r["epci"])
    assert data["relationships"]["MEMBER_OF"] >= in_epci > 34_800
    # a service restarting runs « init --if-empty »: the edits made since stay
    store = open_store(get_settings().store_url)
    poitiers = store.get_node("commune:86194")
    assert poitiers is not None
    store.upsert_nodes([poitiers.model_copy(update={"name": "Poitiers (modifié)"})])
    store.close()
    table = runner.invoke(app, ["stats"], env={"COLUMNS": "120"})
    assert "Collectivité étrangère (territory)" in table.output  # what it is, in French
    assert "jumelage (TWINNED_WITH)" in table.output
    again = runner.invoke(app, ["init", "--if-empty"])
    assert again.exit_code == 0 and "rien à faire" in again.output
    store = open_store(get_settings().store_url)
    kept = store.get_node("commune:86194")
    store.close()
    assert kept is not None and kept.name == "Poitiers (modifié)"


def test_graphml_export_round_trip(tmp_path: Path) -> None:
    seeded()
    out = tmp_path / "g.graphml"
    result = runner.invoke(app, ["export", "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out, force_multigraph=True)
    store = open_store(get_settings().store_url)
    expected = graphml_ready(to_networkx(*store.export()))
    store.close()
    assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
    assert back.adj == expected.adj  # same edges, keys and attributes
    assert sorted(back.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert back.nodes["theme:eau"]["tags"] == '["eau", "assainissement"]'
    assert back.nodes["commune:86194"]["population"] == 88665


def test_json_export_to_stdout() -> None:
    seeded()
    result = runner.invoke(app, ["export", "--format", "json"])
    data = json.loads(result.stdout)
    assert len(data["nodes"]) == 7 and len(data["relationships"]) == 5
    assert all(n["source"] and n["licence"] for n in data["nodes"])


def test_unknown_store_url_gives_french_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MAILLAGE_STORE", "postgres://x")
    get_settings.cache_clear()
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "adresse de base inconnue" in result.output


def test_help_screens_are_in_french() -> None:
    from typer.testing import CliRunner

    from service.cli import app

    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Commandes" in result.output and "Afficher cette aide et quitter." in result.output
    assert "Show this message" not in result.output and "Commands" not in result.output
    assert "Utilisation : " in result.output and "Usage:" not in result.output
    report = CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "120"})
    assert "[par défaut : html]" in report.output and "sorties/" in report.output
    # each command's summary is one line: the list shows its line breaks (« …chaque
    # colonne, » then « avec un exemple) » on the next line read as two entries)
    def summaries(typer_app: typer.Typer) -> Iterator[tuple[str, str]]:
        for command in typer_app.registered_commands:
            doc = command.help or (command.callback.__doc__ if command.callback else "") or ""
            name = command.name or (command.callback.__name__ if command.callback else "?")
            yield name, doc.strip().split("\n\n")[0]
        for group in typer_app.registered_groups:
            if group.typer_instance is not None:
                yield from summaries(group.typer_instance)

    found = dict(summaries(app))
    assert len(found) > 30 and all("\n" not in s for s in found.values()), [
        name for name, s in found.items() if "\n" in s]


def test_usage_errors_are_in_french() -> None:
    from typer.testing import CliRunner

    from service.cli import app

    said: dict[str, str] = {}
    for args in (["export", "--nope"], ["report"], ["nocmd"], ["opportunities", "--top", "x"],
                 ["observatory", "2025"]):
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 2, args
        said[args[-1]] = result.output
    assert "Option inconnue : --nope" in said["--nope"]
    assert "Argument manquant : 'key'." in said["report"]
    assert "Commande inconnue : « nocmd »." in said["nocmd"]
    assert "Valeur invalide pour '--top' : un nombre entier est attendu." in said["x"]
    assert "Argument(s) en trop : 2025" in said["2025"]  # not « Got unexpected extra … »
    assert all("Utilisation :" in text and "Usage:" not in text and "Missing" not in text
               and "Got " not in text
               for text in said.values())


def test_a_bad_setting_is_named_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value, reason in [("MAILLAGE_REGION", "99", "code INSEE de région inconnu"),
                                    ("MAILLAGE_NEO4J_RETRY_SECONDS", "abc", "nombre attendu")]:
        with monkeypatch.context() as patched:
            patched.setenv(variable, value)
            get_settings.cache_clear()
            result = runner.invoke(app, ["stats"], env={"COLUMNS": "300"})
        assert result.exit_code == 2, result.output
        assert f"réglage invalide : {variable} = « {value} » : {reason}" in result.output
        assert "Traceback" not in result.output
    get_settings.cache_clear()
    assert get_settings().region == "75"
