from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from graph.export import graphml_ready
from graph.factory import open_store
from graph.projection import to_networkx
from service.cli import app
from service.settings import get_settings
from tests.helpers import load

runner = CliRunner()


def seeded() -> None:
    store = open_store(get_settings().store_url)
    load(store)
    store.close()


def test_stats_json_counts_by_kind() -> None:
    init = runner.invoke(app, ["init"])
    assert init.exit_code == 0, init.output
    assert "297 lignes" in init.output
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data["nodes"][k] for k in ("region", "departement", "commune", "epci")} == {
        "region": 1, "departement": 12, "commune": 4293, "epci": 156}
    assert data["relationships"]["MEMBER_OF"] >= 4293


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
