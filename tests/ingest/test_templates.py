"""The other templates (organisations, projects, people) and header mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore
from ingest.errors import IngestError
from ingest.importer import import_file


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_projects_template(ref_store: SqliteStore, tmp_path: Path) -> None:
    path = write(tmp_path / "projets.csv",
                 "projet;membres;pays;partenaire_etranger;thematique;odd;periode;budget;"
                 "financeurs;source\n"
                 'Eau à Moundou;"Ville de Poitiers (chef de file); Grand Poitiers (partenaire)";'
                 "Tchad;Moundou;eau potable;6;2024-2027;120 000;Agence de l'eau Loire-Bretagne;"
                 "https://exemple.org/p\n")
    report = import_file(ref_store, path)
    assert report.template == "projets"
    assert report.rows[0].collectivite == "commune:86194"
    project = ref_store.get_node("project:td-eau-a-moundou")
    assert project is not None and project.props["budget"] == 120000.0
    out = {(n.relationship.type.value, n.node.key) for n in
           ref_store.neighbours("project:td-eau-a-moundou", direction="out")}
    assert {("TAKES_PLACE_IN", "country:TD"), ("ADDRESSES", "odd:6"),
            ("ADDRESSES", "theme:eau-assainissement"),
            ("FUNDED_BY", "organisation:agence-eau-loire-bretagne")} <= out
    roles = {n.node.key: n.relationship.props["role"] for n in
             ref_store.neighbours("project:td-eau-a-moundou", direction="in")
             if n.relationship.type.value == "PARTICIPATES_IN"}
    assert roles == {"commune:86194": "lead", "epci:200069854": "partner"}


def test_project_with_unknown_member_goes_to_review(ref_store: SqliteStore,
                                                    tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "projet;membres\nAtelier;Magné (chef de file)\n")
    report = import_file(ref_store, path)
    assert report.rows[0].review and report.rows[0].action == "reject"
    item = next(i for i in ref_store.review_items("open") if i.file == "p.csv")
    assert item.template == "projets" and "Magné" in item.reason


def test_organisations_and_people(ref_store: SqliteStore, tmp_path: Path) -> None:
    orgs = write(tmp_path / "orgs.csv", "nom,sigle,categorie,site\n"
                 "Programme Solidarité Eau,pS-Eau,association,https://www.pseau.org\n"
                 "Association Exemple,,association,\n")
    report = import_file(ref_store, orgs)
    assert [r.collectivite for r in report.rows] == ["organisation:ps-eau",
                                                     "organisation:association-exemple"]
    ps_eau = ref_store.get_node("organisation:ps-eau")
    assert ps_eau is not None and ps_eau.props["website"] == "https://www.pseau.org"
    people = write(tmp_path / "gens.csv", "nom;structure;fonction;email\n"
                   "Camille Exemple;Mairie de Niort;chargée de mission;camille@exemple.org\n")
    report = import_file(ref_store, people)
    works = ref_store.neighbours("person:camille-exemple-79191", direction="out")
    assert [w.node.key for w in works] == ["commune:79191"]
    bad = write(tmp_path / "gens2.csv", "nom;structure;email\nX;Niort;pas-une-adresse\n")
    with pytest.raises(IngestError, match="ligne 2, colonne « email »"):
        import_file(ref_store, bad)


def test_mapping_option(ref_store: SqliteStore, tmp_path: Path) -> None:
    path = write(tmp_path / "autre.csv", "Ville;Lien;Jumelle;Nation;Remarque\n"
                 "Poitiers;jumelage;Marburg;DE;à ignorer\n")
    with pytest.raises(IngestError, match="colonne inconnue") as refused:
        import_file(ref_store, path)
    # the message says how to go on, with this column's own name
    assert '"Remarque=-" pour l\'ignorer' in str(refused.value)
    report = import_file(ref_store, path, mapping={
        "Ville": "collectivite", "Lien": "type_relation", "Jumelle": "partenaire",
        "Nation": "pays", "Remarque": "-"})
    assert report.rows[0].collectivite == "commune:86194"
