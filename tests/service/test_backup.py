"""Backup and restore: everything, losslessly, between the two stores."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.attestations import attested
from graph.model import Node, Provenance, Relationship, RelType, ReviewItem, relationship_key
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from ingest.merge import merge_nodes
from service.backup import BackupError, backup, restore
from service.cli import app
from tests.bolt_server import BoltServer

P = Provenance(source="https://a.example/1", licence="CC0", ingested_at="2026-01-02T03:04:05+00:00")


def _enrich(store: SqliteStore) -> None:
    """What a year of use adds: a person with contacts, a merge (audit), an open review."""
    store.upsert_nodes([
        Node(key="person:jeanne-martin-86194", name="Jeanne Martin",
             props={"function": "chargée de mission", "email": "j.martin@example.org",
                    "mobile": "+33 6 00 00 00 00"}, provenance=P),
        Node(key="territory:de-marbourg", name="Marbourg", props={"country": "DE"}, provenance=P),
        Node(key="territory:de-marburg", name="Marburg", props={"country": "DE", "ratio": 0.5},
             provenance=P)])
    store.upsert_relationships([attested(Relationship(
        key=relationship_key("commune:86194", RelType.TWINNED_WITH, "territory:de-marbourg"),
        type=RelType.TWINNED_WITH, start="commune:86194", end="territory:de-marbourg",
        props={"years": [1961, 1975]}, provenance=P))])
    merge_nodes(store, "territory:de-marbourg", "territory:de-marburg")
    store.put_review_items([ReviewItem(key="review:1", file="a.csv", lines=[3], name="Marbourg",
                                       row={"collectivite": "Poitiers"}, reason="homonymes",
                                       candidates=["commune:86194"])])


def _body(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]  # all but the dated first line


def test_sqlite_to_bolt_to_sqlite_is_lossless(regional_store: SqliteStore, bolt: BoltServer,
                                              tmp_path: Path) -> None:
    ref_store = regional_store  # the home région: all of France would only add minutes
    _enrich(ref_store)
    first = tmp_path / "a.jsonl"
    contents = backup(ref_store, first)
    assert any(n.props.get("email") for n in contents.nodes)  # a backup keeps personal data
    assert any(i.template == "fusion" for i in contents.review)

    remote = Neo4jStore(bolt.uri, bolt.user, bolt.password, bolt.database)
    try:
        remote.setup_schema()
        remote.clear()
        restore(remote, first)
        second = tmp_path / "b.jsonl.gz"
        backup(remote, second)
        assert remote.counts() == ref_store.counts()
    finally:
        remote.close()
    assert gzip.decompress(second.read_bytes()).decode().splitlines()[1:] == _body(first)

    again = SqliteStore(tmp_path / "again.db")
    restore(again, second)
    third = tmp_path / "c.jsonl"
    backup(again, third)
    assert _body(third) == _body(first)
    assert again.export() == ref_store.export()
    assert again.review_items() == ref_store.review_items()
    again.close()


def test_a_restore_refuses_a_full_store_and_a_damaged_file(ref_store: SqliteStore,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    backup(ref_store, path)
    with pytest.raises(BackupError, match=r"pas vide.*--remplacer"):
        restore(ref_store, path)

    empty = SqliteStore(tmp_path / "empty.db")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cases = {
        "tronque.jsonl": ("".join(lines[:-3]), "sauvegarde incomplète"),
        "json.jsonl": ("".join(lines[:5]) + '{"record": "node", "key": \n', "ligne 6, colonne"),
        "champ.jsonl": ("".join(lines[:2]) + lines[2].replace('"key": "', '"key": "x y'),
                        "ligne 3, champ « key »"),
        "autre.jsonl": ('{"format": "autre"}\n', "pas une sauvegarde Maillage"),
        "vide.jsonl": ("", "fichier vide"),
    }
    for name, (text, expected) in cases.items():
        bad = tmp_path / name
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(BackupError, match=expected):
            restore(empty, bad)
        assert empty.counts().nodes == {} or not any(empty.counts().nodes.values()), name
        assert empty.generation() == 0, name
    empty.close()

    replaced = restore(ref_store, path, replace=True)
    assert len(replaced.nodes) == sum(ref_store.counts().nodes.values())


def test_backup_and_restore_commands(ref_store: SqliteStore, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from service.settings import get_settings

    ref_store.close()
    runner = CliRunner()
    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{tmp_path / 'ref.db'}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["backup", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output and "données personnelles" in result.output
    result = runner.invoke(app, ["restore", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 1 and "rien n'a été écrit" in result.output
    result = runner.invoke(app, ["restore", str(tmp_path)])
    assert result.exit_code == 2 and "dossier" in result.output

    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{tmp_path / 'new.db'}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["restore", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Restauré" in result.output
