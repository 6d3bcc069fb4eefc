"""The user's import path: messy names, Excel's Windows-1252, and a corpus of bad files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from graph.sqlite_store import SqliteStore
from ingest.errors import IngestError
from ingest.importer import ImportReport, import_file
from ingest.review import settle_item
from service.cli import app
from tests.ingest.bad_inputs import cases

HEADER = "collectivite;code;departement;type_relation;partenaire;pays;thematique;periode;description;source"
# (name as people write it, département hint, expected key)
MESSY = [
    ("Ville de Poitiers", "", "commune:86194"),
    ("Mairie de Niort", "", "commune:79191"),
    ("CA de La Rochelle", "", "epci:241700434"),
    ("CD Gironde", "", "departement:33"),
    ("ST-JUNIEN", "", "commune:87154"),
    ("Commune de Châtellerault", "", "commune:86066"),
    ("Bordeaux Métropole", "", "epci:243300316"),
    ("Département de la Vienne", "", "departement:86"),
    ("Région Nouvelle-Aquitaine", "", "region:75"),
    ("Région Limousin", "", "region:75"),
    ("Poitou-Charentes", "", "region:75"),
    ("limoges", "", "commune:87085"),
    ("PERIGUEUX", "", "commune:24322"),
    ("Mont de Marsan", "", "commune:40192"),
    ("Ville d'Angoulême", "", "commune:16015"),
    ("Conseil départemental des Pyrénées-Atlantiques", "", "departement:64"),
    ("Grand Poitiers", "", "epci:200069854"),
    ("Couhé", "86", "commune:86082"),  # merged into Valence-en-Poitou
    ("Magné", "79", "commune:79162"),  # homonym, settled by the département hint
    ("Ste-Soulle", "", "commune:17407"),
    ("Saint Junien", "", "commune:87154"),
    ("Brive", "", "commune:19031"),
    ("Villeneuve sur Lot", "", "commune:47323"),
    ("Mérignac", "33", "commune:33281"),
    ("Magné", "", None),  # homonym without a hint: must go to review
]


def write_cp1252(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def messy_file(tmp_path: Path) -> Path:
    lines = [HEADER]
    for i, (name, dep, _) in enumerate(MESSY):
        lines.append(f"{name};;{dep};jumelage;Ville partenaire {i};Allemagne;culture;"
                     f"depuis {1980 + i};;https://exemple.org/{i}")
    return write_cp1252(tmp_path / "actions.csv", lines)


def test_messy_names_resolve(ref_store: SqliteStore, tmp_path: Path) -> None:
    report = import_file(ref_store, messy_file(tmp_path))
    by_line = {r.line: r for r in report.rows}
    right = sum(1 for i, (_, _, key) in enumerate(MESSY)
                if key and by_line[i + 2].collectivite == key)
    expected = sum(1 for *_, key in MESSY if key)
    assert right / expected >= 0.95, [(r.line, r.collectivite) for r in report.rows]
    unresolved = [r for r in report.rows if r.collectivite is None]
    assert all(r.review for r in unresolved)
    items = ref_store.review_items("open")
    magne = next(i for i in items if i.file == "actions.csv")
    assert sorted(magne.candidates) == ["commune:79162", "commune:86141"]
    assert report.written


def test_import_twice_is_unchanged(ref_store: SqliteStore, tmp_path: Path) -> None:
    path = messy_file(tmp_path)
    import_file(ref_store, path)
    before = ref_store.export()
    again = import_file(ref_store, path)
    assert again.count("create") == again.count("update") == 0
    assert ref_store.export() == before


def test_settling_a_review_item(ref_store: SqliteStore, tmp_path: Path) -> None:
    import_file(ref_store, messy_file(tmp_path))
    item = next(i for i in ref_store.review_items("open") if i.file == "actions.csv")
    assert settle_item(ref_store, item.key, "commune:86141") >= 1
    twins = ref_store.neighbours("commune:86141", types=["TWINNED_WITH"])
    assert [t.node.name for t in twins] == ["Ville partenaire 24"]
    # importing the file again uses the settlement, not the review list
    again = import_file(ref_store, messy_file(tmp_path))
    assert again.rows[-1].collectivite == "commune:86141"


def test_dry_run_json(ref_store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.settings import get_settings

    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{ref_store.path}")
    get_settings.cache_clear()
    before = ref_store.export()
    result = CliRunner().invoke(app, ["ingest", str(messy_file(tmp_path)), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    # JSON Lines: one object per row of the file, as the README says
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(MESSY)
    assert records[0] == {"file": messy_file(tmp_path).name, "line": 2,
                          "collectivite": "commune:86194", "confidence": 1.0, "candidates": [],
                          "action": "create", "errors": [], "review": False, "note": ""}
    assert records[-1]["collectivite"] is None and records[-1]["action"] == "reject"
    assert sorted(records[-1]["candidates"]) == ["commune:79162", "commune:86141"]
    assert ref_store.export() == before


def test_xlsx_import_and_sheet_choice(ref_store: SqliteStore, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "actions"
    ws.append(HEADER.split(";"))
    ws.append(["Ville de Poitiers", 86194, "", "jumelage", "Marburg", "DE", "", "1961", "", ""])
    other = wb.create_sheet("notes")
    other.append(["rien"])
    other.append(["toujours rien"])
    path = tmp_path / "classeur.xlsx"
    wb.save(path)
    with pytest.raises(IngestError, match="plusieurs feuilles"):
        import_file(ref_store, path)
    report = import_file(ref_store, path, sheet="actions")
    assert report.rows[0].collectivite == "commune:86194"


def test_bad_files_give_french_errors_and_write_nothing(ref_store: SqliteStore,
                                                         tmp_path: Path) -> None:
    def state() -> tuple[object, ...]:
        # every write bumps the generation; counts and review list double-check it
        return ref_store.generation(), ref_store.counts(), ref_store.review_items()

    before = state()
    corpus = list(cases())
    assert len(corpus) >= 60 and len({name for name, *_ in corpus}) == len(corpus)
    for name, data, expected in corpus:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(IngestError) as info:  # never another exception: no traceback
            import_file(ref_store, path)
        message = str(info.value)
        assert expected in message, (name, message)
        assert message.startswith(name), (name, message)  # names the file first
        assert state() == before, name


def test_one_encoding_per_file() -> None:
    from ingest.readers import _decode

    assert _decode("Münster;Atakpamé\n".encode(), "a.csv") == ("Münster;Atakpamé\n", "utf-8")
    assert _decode("Atakpamé\n".encode("cp1252"), "a.csv") == ("Atakpamé\n", "windows-1252")
    # Latin-9 and Windows-1252 differ on œ: the reading that makes a word wins
    assert _decode("Sœur Thérèse\n".encode("iso8859_15"), "a.csv") == (
        "Sœur Thérèse\n", "iso-8859-15")
    assert _decode("« ½ » litre\n".encode("cp1252"), "a.csv")[1] == "windows-1252"
    with pytest.raises(IngestError, match=r"ligne 2 : encodages mélangés"):
        _decode("Münster\n".encode() + "Atakpamé\n".encode("cp1252"), "a.csv")


def test_row_errors_name_line_and_column(ref_store: SqliteStore, tmp_path: Path) -> None:
    path = write_cp1252(tmp_path / "mixte.csv", [
        HEADER, "Poitiers;;;jumelage;Marburg;DE;;1961;;", "Niort;;;jumelage;Atakpamé;Narnia;;;;"])
    with pytest.raises(IngestError) as info:
        import_file(ref_store, path)
    assert str(info.value) == ("mixte.csv, ligne 3, colonne « pays » : pays « Narnia » inconnu "
                               "(nom français ou anglais, ou code ISO à deux lettres)")
    report = import_file(ref_store, path, partial=True)
    assert [r.action for r in report.rows] == ["create", "reject"]
    assert ref_store.neighbours("commune:86194", types=["TWINNED_WITH"])


def test_binary_zip_named_csv(ref_store: SqliteStore, tmp_path: Path) -> None:
    path = tmp_path / "faux.csv"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(IngestError, match=r"renommez-le en \.xlsx"):
        import_file(ref_store, path)


def test_template_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", "actions", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    header = (tmp_path / "modele-actions.csv").read_bytes()
    assert header.startswith(b"\xef\xbb\xbfcollectivite;code;departement")
    assert (tmp_path / "modele-actions.xlsx").stat().st_size > 0


def test_the_xlsx_template_imports_as_filled(ref_store: SqliteStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from ingest.templates import ACTIONS, write_template

    path = next(p for p in write_template(ACTIONS, tmp_path) if p.suffix == ".xlsx")
    workbook = load_workbook(path)
    data = workbook.worksheets[0]
    data.append([ACTIONS.example.get(c.name, "") for c in ACTIONS.columns])
    data.append(["Ville de Poitiers", "", "", "", "jumelage", "Marburg", "", "", "", "", ""])
    workbook.save(path)
    report = import_file(ref_store, path, partial=True)  # the help sheet is not data
    assert report.rows[0].collectivite == "commune:86194" and not report.rows[0].errors
    # messages name the file, the sheet, the line and the column
    assert report.rows[1].errors and all(
        e.startswith(f"{path.name}, feuille « {data.title} », ligne 3, colonne ")
        for e in report.rows[1].errors)


def test_a_zip_bomb_and_a_directory_are_refused_in_french(ref_store: SqliteStore,
                                                          tmp_path: Path) -> None:
    import time
    import zipfile

    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        for _ in range(80):
            sheet.write(b"\0" * (1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024  # small on disk, 80 MB unzipped
    before = ref_store.export()
    start = time.perf_counter()
    with pytest.raises(IngestError, match="trop gros une fois décompressé"):
        import_file(ref_store, bomb)
    assert time.perf_counter() - start < 30  # refused before it is unzipped
    with pytest.raises(IngestError, match="dossier"):
        import_file(ref_store, tmp_path)
    assert ref_store.export() == before


def test_resolvers_are_read_again_only_for_what_a_write_touched(ref_store: SqliteStore) -> None:
    from graph.model import Node, Provenance
    from ingest.importer import resolvers_for

    first = resolvers_for(ref_store)
    prov = Provenance(source="test", licence="test")
    # a foreign place: no resolver reads territories, the same objects serve
    ref_store.upsert_nodes([Node(key="territory:de-testort", name="Testort",
                                 props={"country": "DE"}, provenance=prov)])
    second = resolvers_for(ref_store)
    assert second.collectivites is first.collectivites
    assert second.partners is first.partners and second.countries is first.countries
    # a commune renamed: the places are read again and the new name resolves
    poitiers = ref_store.get_node("commune:86194")
    assert poitiers is not None and first.collectivites.resolve("Poitiers-sur-Essai").key is None
    ref_store.upsert_nodes([poitiers.model_copy(update={"name": "Poitiers-sur-Essai"})])
    third = resolvers_for(ref_store)
    assert third.collectivites is not first.collectivites
    assert third.partners is first.partners
    assert third.collectivites.resolve("Poitiers-sur-Essai").key == "commune:86194"
    # a new partner organisation: only the partners are read again
    ref_store.upsert_nodes([Node(key="organisation:essai-partenaire", name="Essai Partenaire",
                                 props={"category": "association"}, provenance=prov)])
    fourth = resolvers_for(ref_store)
    assert fourth.collectivites is third.collectivites
    assert fourth.partners is not third.partners
    assert fourth.partners.mentioned("Essai Partenaire") == ["organisation:essai-partenaire"]


def test_two_partners_joined_by_et_are_two_places(ref_store: SqliteStore,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("\n".join([
        HEADER,
        "Poitiers;;86;coopération;Province du Kadiogo et Commune de Koudougou (7 communes "
        "liées);Burkina Faso;eau;2019-2022;;https://exemple.org/a",
        "Niort;;79;coopération;Province du Kadiogo;Burkina Faso;eau;2020;;https://exemple.org/b",
        "Niort;;79;jumelage;Trinité et Tobago;Burkina Faso;culture;2021;;https://exemple.org/c",
    ]) + "\n", encoding="utf-8")
    import_file(ref_store, path)
    ties = {(r.start, r.end) for r in ref_store.relationships_to(
        ["territory:bf-kadiogo", "territory:bf-koudougou", "territory:bf-trinite-et-tobago"],
        ["COOPERATES_WITH", "TWINNED_WITH"]) if r.start in ("commune:86194", "commune:79191")}
    # Kadiogo is one place, whoever names it; « Trinité et Tobago » stays one name
    assert ties == {("commune:86194", "territory:bf-kadiogo"),
                    ("commune:86194", "territory:bf-koudougou"),
                    ("commune:79191", "territory:bf-kadiogo"),
                    ("commune:79191", "territory:bf-trinite-et-tobago")}
    assert ref_store.get_node("territory:bf-kadiogo-et-commune-de-koudougou") is None


def test_a_funding_row_reads_who_funds_whom(ref_store: SqliteStore, tmp_path: Path) -> None:
    """A new partner whose name begins with a funding body funds the actor; any other new
    partner of a funding row (a project, an association) is funded by the actor."""
    path = tmp_path / "financements.csv"
    path.write_text("\n".join([
        HEADER,
        "Melle;;79;financement;MEAE – appel à projets Afrique 2024;Togo;eau;2024;;"
        "https://exemple.org/f1",
        "Melle;;79;financement;Puits de Kpalimé (avec le comité de jumelage);Togo;eau;2024;;"
        "https://exemple.org/f2",
    ]) + "\n", encoding="utf-8")
    import_file(ref_store, path)
    melle = "commune:79174"
    funded = {(n.relationship.start, n.relationship.end) for n in ref_store.neighbours(
        melle, types=["FUNDED_BY"])}
    assert (melle, "organisation:meae-appel-a-projets-afrique-2024") in funded
    assert any(start.startswith("organisation:puits-de-kpalime") and end == melle
               for start, end in funded)


def test_noaillan_is_funded_by_the_ministrys_call(ref_store: SqliteStore) -> None:
    # « la commune a répondu à un appel à projets … du ministère » (na_relations.csv:283)
    call = "organisation:meae-appel-a-projets-cooperation-decentralisee"
    ties = {(n.relationship.start, n.relationship.end)
            for n in ref_store.neighbours(call, types=["FUNDED_BY"])}
    assert ties == {("commune:33307", call)}


def test_an_association_named_with_and_without_its_acronym_is_one(ref_store: SqliteStore,
                                                                   tmp_path: Path) -> None:
    # na_relations.csv:249 and :254: « Association Poitiers Moundou (APM) » funded by Grand
    # Poitiers, « Association Poitiers-Moundou » cited by Poitiers' statement
    apm = ref_store.get_node("organisation:association-poitiers-moundou")
    assert apm is not None and apm.props["acronym"] == "APM"
    assert apm.props["aliases"] == ["Association Poitiers-Moundou"]
    assert ref_store.get_node("organisation:association-poitiers-moundou-apm") is None
    tied = {n.node.key for n in ref_store.neighbours(apm.key)}
    assert {"epci:200069854", "commune:86194"} <= tied
    # a file naming a new one both ways, in either order; a place in parentheses stays
    import_rows(ref_store, tmp_path, [
        "Melle;;79;adhésion;Réseau des jumelages du Mellois;;;2024;;https://exemple.org/a1",
        "Melle;;79;adhésion;Réseau des jumelages du Mellois (RJM);;;2024;;https://exemple.org/a2",
        "Melle;;79;programme;Assises des jumelages (Kpalimé);Togo;;2024;;https://exemple.org/a3",
    ])
    joined = ends(ref_store, "commune:79174", "MEMBER_OF")
    assert "organisation:reseau-des-jumelages-du-mellois" in joined
    assert not any(k.endswith("-rjm") for k in joined)
    assert "programme:assises-des-jumelages-kpalime" in ends(ref_store, "commune:79174",
                                                             "PARTICIPATES_IN")


def test_a_partner_stored_under_its_whole_name_keeps_its_key(ref_store: SqliteStore,
                                                              tmp_path: Path) -> None:
    """A base where « … (RJM) » was imported before the acronym rule: importing the file
    again writes to the same organisation, and adds no second one."""
    from graph.model import Node, Provenance

    old = "organisation:reseau-des-jumelages-du-mellois-rjm"
    ref_store.upsert_nodes([Node(key=old, name="Réseau des jumelages du Mellois (RJM)",
                                 props={"category": "non précisée"},
                                 provenance=Provenance(source="import d'avant", licence="x"))])
    rows = ["Melle;;79;adhésion;Réseau des jumelages du Mellois (RJM);;;2024;;"
            "https://exemple.org/a2"]
    import_rows(ref_store, tmp_path, rows)
    assert ends(ref_store, "commune:79174", "MEMBER_OF") >= {old}
    assert ref_store.get_node("organisation:reseau-des-jumelages-du-mellois") is None
    again = import_rows(ref_store, tmp_path, rows)
    assert again.nodes.get("create", 0) == 0 and again.relationships.get("create", 0) == 0


def ends(store: SqliteStore, actor: str, rel_type: str) -> set[str]:
    """Where ``actor``'s relations of ``rel_type`` go."""
    return {n.relationship.end for n in store.neighbours(actor, types=[rel_type],
                                                         direction="out")}


def import_rows(store: SqliteStore, tmp_path: Path, rows: list[str]) -> ImportReport:
    path = tmp_path / "actions.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return import_file(store, path)


def test_a_partner_named_as_its_country_is_the_country(ref_store: SqliteStore,
                                                        tmp_path: Path) -> None:
    # na_relations.csv:227: the Vienne « coordonne » its communes' twinnings in Burkina Faso
    assert ref_store.get_node("territory:bf-burkina-faso") is None
    assert "country:BF" in ends(ref_store, "departement:86", "COOPERATES_WITH")
    import_rows(ref_store, tmp_path, ["Niort;;79;coopération;Mali (comités de jumelage);Mali;;"
                                      "2024;;https://exemple.org/m"])
    assert ref_store.get_node("territory:ml-mali") is None
    assert "country:ML" in ends(ref_store, "commune:79191", "COOPERATES_WITH")


def test_the_words_people_use_for_a_relation_and_a_period(ref_store: SqliteStore,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("\n".join([
        HEADER,
        "Poitiers;;86;Jumelage-coopération;Moundou;Tchad;;de 2004 à 2010;;https://exemple.org/j",
        "Niort;;79;jumellage;Atakpamé;Togo;;1990;;https://exemple.org/t",
    ]) + "\n", encoding="utf-8")
    report = import_file(ref_store, path, partial=True)
    twinned = [n.relationship for n in ref_store.neighbours("commune:86194", types=[
        "TWINNED_WITH"], direction="out") if n.relationship.provenance.source.endswith("/j")]
    assert [r.end for r in twinned] == ["territory:td-moundou"]  # a twinning, in words
    assert twinned[0].props["years"] == list(range(2004, 2011))  # a range, in words
    assert twinned[0].props["until"] == 2010
    [typo] = [error for row in report.rows for error in row.errors]
    assert "type « jumellage » inconnu (vouliez-vous dire « jumelage » ?)" in typo
    assert "coopération" in typo and "adhésion" in typo  # written as users write them


def test_countries_by_the_names_people_use(ref_store: SqliteStore, tmp_path: Path) -> None:
    report = import_rows(ref_store, tmp_path, [
        f"Niort;;79;coopération;{partner};{country};;2024;;https://exemple.org/{i}"
        for i, (partner, country) in enumerate([("Kaya", "Burkina"), ("Kinshasa", "RDC"),
                                                ("Wellingborough", "Angleterre")])])
    assert [row.errors for row in report.rows] == [[], [], []]
    assert {"territory:bf-kaya", "territory:cd-kinshasa", "territory:gb-wellingborough"} <= \
        ends(ref_store, "commune:79191", "COOPERATES_WITH")


def test_collectivites_by_the_short_names_people_use(ref_store: SqliteStore,
                                                     tmp_path: Path) -> None:
    names = {"CD17": "departement:17", "CD 33": "departement:33",
             "Grand Poitiers Communauté urbaine": "epci:200069854",
             "Agglo de Pau": "epci:200067254",  # CA Pau Béarn Pyrénées
             "Région NA": "region:75", "Conseil régional PACA": "region:93"}
    path = tmp_path / "actions.csv"
    path.write_text("\n".join([HEADER] + [
        f"{name};;;coopération;Kaya;Burkina Faso;;2024;;https://exemple.org/{i}"
        for i, name in enumerate(names)]) + "\n", encoding="utf-8")
    report = import_file(ref_store, path, dry_run=True)
    assert [row.collectivite for row in report.rows] == list(names.values())


def test_a_theme_outside_the_vocabulary_is_kept_and_said(ref_store: SqliteStore,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(HEADER + "\nNiort;;79;coopération;Kaya;Burkina Faso;eau, numérique;2024;;"
                             "https://exemple.org/n\n", encoding="utf-8")
    report = import_file(ref_store, path)
    [row] = report.rows
    assert "thème « numérique » hors du vocabulaire de Maillage" in row.note
    [rel] = [n.relationship for n in ref_store.neighbours("commune:79191", types=[
        "COOPERATES_WITH"], direction="out") if n.relationship.provenance.source.endswith("/n")]
    assert rel.props["themes"] == ["eau-assainissement"]
    assert rel.props["theme_label"] == "eau, numérique"  # nothing the row said is lost


def test_a_part_named_for_its_country_stays_a_place_as_a_partner(ref_store: SqliteStore) -> None:
    # « Québec » names Canada in a « pays » column, but the Région cooperates with the
    # province: the partner stays that place (na_relations.csv)
    assert "territory:ca-quebec" in ends(ref_store, "region:75", "COOPERATES_WITH")


def test_a_funder_typed_without_its_apostrophe_is_the_known_one(ref_store: SqliteStore,
                                                                tmp_path: Path) -> None:
    import_rows(ref_store, tmp_path, ["Niort;;79;financement;Agence de l eau Loire-Bretagne;"
                                      "Togo;eau;2024;;https://exemple.org/ae"])
    assert ref_store.get_node("organisation:agence-de-l-eau-loire-bretagne") is None
    assert "organisation:agence-eau-loire-bretagne" in ends(ref_store, "commune:79191",
                                                            "FUNDED_BY")


def test_a_commune_code_that_lost_its_leading_zero(ref_store: SqliteStore,
                                                   tmp_path: Path) -> None:
    # a spreadsheet stores 01004 (Ambérieu-en-Bugey) as the number 1004
    path = tmp_path / "actions.csv"
    path.write_text(HEADER + "\nAmbérieu-en-Bugey;1004;1;jumelage;Essai;Allemagne;;2019;;"
                             "https://exemple.org/z\n", encoding="utf-8")
    report = import_file(ref_store, path, dry_run=True)
    assert [(row.collectivite, row.errors) for row in report.rows] == [("commune:01004", [])]
