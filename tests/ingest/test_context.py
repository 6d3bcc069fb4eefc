"""Homonyms settled by the row's own context, with the reason shown; truly ambiguous rows
still go to review. Real communes of the region: Abzac (16 and 33), Berneuil (16, 17, 87),
Champniers (16 and 86), Chalais (16, 24, 86), Ars (16 and 23). The partners are
fictitious (« Ville fictive … »): the test states no fact about a real place."""

from __future__ import annotations

from pathlib import Path

from graph.sqlite_store import SqliteStore
from ingest.importer import import_file

HEADER = "collectivite;type_relation;partenaire;pays;periode;description;source"
ROWS = [
    # line 2: the département in parentheses in the collectivité's own cell
    "Abzac (Gironde);jumelage;Ville fictive A;XX;2020;;https://exemple.org/1",
    # line 3: the département named in the description
    "Berneuil;coopération;Ville fictive B;SN;2021;Berneuil, commune de Haute-Vienne;https://exemple.org/2",
    # line 4: a postcode in the description
    "Champniers;jumelage;Ville fictive C;DE;2019;Mairie, 86400 Champniers;https://exemple.org/3",
    # line 5: nothing in the row says which Chalais: to review, never guessed
    "Chalais;jumelage;Ville fictive D;DE;2018;une commune de Nouvelle-Aquitaine;https://exemple.org/4",
    # line 6: its EPCI named (Ars: 16018 in the Grand Cognac, 23007 in Creuse Sud Ouest)
    "Ars;jumelage;Ville fictive E;DE;2022;Ars, commune du Grand Cognac;https://exemple.org/6",
]


def write(tmp_path: Path, rows: list[str], name: str = "homonymes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_context_settles_homonyms_and_says_how(ref_store: SqliteStore, tmp_path: Path) -> None:
    rows = [r.replace(";XX;", ";ES;") for r in ROWS]
    report = import_file(ref_store, write(tmp_path, rows), partial=True)
    by_line = {r.line: r for r in report.rows}
    assert by_line[2].collectivite == "commune:33001"
    assert "« Gironde » dans la colonne collectivite" in by_line[2].note
    assert by_line[3].collectivite == "commune:87012"
    assert "Haute-Vienne" in by_line[3].note
    assert by_line[4].collectivite == "commune:86054" and "86400" in by_line[4].note
    assert by_line[6].collectivite == "commune:16018" and "Grand Cognac" in by_line[6].note
    assert by_line[5].collectivite is None and by_line[5].review
    assert sorted(by_line[5].candidates) == ["commune:16073", "commune:24095", "commune:86049"]


def test_a_partner_one_candidate_already_has_settles_it(ref_store: SqliteStore,
                                                        tmp_path: Path) -> None:
    known = "Chalais;jumelage;Ville fictive D;DE;2018;;https://exemple.org/4"
    first = import_file(ref_store, write(tmp_path, [known.replace("Chalais;", "Chalais (24);")],
                                         "connu.csv"))
    assert first.rows[0].collectivite == "commune:24095"
    again = import_file(ref_store, write(tmp_path, [
        "Chalais;coopération;Ville fictive D;DE;2024;échange scolaire;https://exemple.org/5"],
        "suite.csv"))
    assert again.rows[0].collectivite == "commune:24095"
    assert "travaille déjà avec territory:de-fictive-d" in again.rows[0].note
