"""Prospection reports on the real data, in the three formats, read as a reader would."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader
from typer.testing import CliRunner

from graph.model import Node, Provenance, Relationship, RelType
from graph.sqlite_store import SqliteStore
from service.cli import app
from service.context import Context, NotFound
from service.reports import build
from service.settings import get_settings
from viz.report import render

XSS = "<img src=x onerror=alert(1)>"
KEYS = {
    "commune:86194": ["Identité", "Action internationale", "Place dans le réseau",
                      "Ailleurs en France, avec les mêmes partenaires",
                      "Partenaires recommandés", "Consortiums possibles et financements",
                      "Suivi du réseau", "Prochaines étapes suggérées"],
    "departement:79": ["En bref", "Collectivités engagées", "Collectivités à mobiliser",
                       "Pays et thèmes du territoire", "Carte des zones blanches",
                       "Opportunités", "Partenaires présents ou absents"],
    "country:SN": ["Qui agit, sur quoi, depuis quand", "Consortiums proposés",
                   "Appels et financeurs qui conviennent", "Ailleurs en France",
                   "Acteurs par thème", "Sources"],
    "theme:eau-assainissement": ["Acteurs", "Projets", "Financeurs et porteurs", "Manques",
                                 "Acteurs par département"],
    "programme:inspire": ["Acteurs", "Projets", "Financeurs et porteurs", "Manques",
                          "Acteurs par département"],
    "project:ml-segou": ["Le projet", "Qui le porte", "Où et sur quoi", "Financement"],
    "reseau": ["Chiffres clés", "Répartition", "Les courtiers du réseau", "Communautés",
               "Qualité des données"],
    "observatoire:2024": ["L'année 2024 en bref", "Nouveaux partenariats",
                          "Partenariats arrêtés", "Collectivités nouvellement engagées",
                          "Par département et par thème", "Vie du réseau",
                          "Demandes de financement", "Méthode"],
}


@pytest.fixture(scope="module")
def svc(reference_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    db = tmp_path_factory.mktemp("reports") / "r.db"
    shutil.copyfile(reference_db, db)
    store = SqliteStore(db)
    prov = Provenance(source="test", licence="test")
    store.upsert_nodes([Node(key="organisation:xss", name=XSS, provenance=prov,
                             props={"email": "secret@exemple.org", "category": "association"})])
    store.upsert_relationships([Relationship(type=RelType.MEMBER_OF, start="commune:86194",
                                             end="organisation:xss", provenance=prov)])
    yield Context(store)
    store.close()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("key", list(KEYS))
def test_every_kind_in_every_format(svc: Context, key: str) -> None:
    report = build(svc, key)
    assert [s.title for s in report.sections] == KEYS[key]
    html = render(report, "html").decode()
    md = render(report, "md").decode()
    pdf = render(report, "pdf")
    for title in KEYS[key]:
        assert f"<h2>{escape(title)}</h2>" in html
        assert f"## {title}" in md
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert report.title.split(" : ")[0] in text
    for leak in ("{{", "{%", "}}", "<script"):
        assert leak not in md, leak
    assert not re.search(r"\b(None|nan|null)\b", md + text)
    assert "{{" not in html and "{%" not in html and "<script" not in html
    assert "Données au" in html and "Licences" in html


def test_facts_carry_their_sources(svc: Context) -> None:
    report = build(svc, "commune:86194")
    action = next(s for s in report.sections if s.title == "Action internationale")
    facts = [line for line in action.lines if not line.heading]
    assert facts and all(line.source for line in facts)
    assert any(line.source.startswith("https://") for line in facts)  # type: ignore[union-attr]
    # one line per partner and kind of relation: the twinning with Marburg, two pages
    # attest it, is one line citing both, under its country
    marburg = [line for line in facts if "Marburg" in line.text]
    assert len(marburg) == 1 and len(marburg[0].sources) == 2, marburg
    html = render(report, "html").decode()
    md = render(report, "md").decode()
    assert "<h3>Allemagne</h3>" in html and "**Allemagne**" in md
    for source in marburg[0].sources:
        assert f'href="{source}"' in html and f"<{source}>" in md


def test_a_theme_lists_the_countries_where_each_actor_acts_on_it(svc: Context) -> None:
    report = build(svc, "theme:eau-assainissement")
    rows = {row[0]: row[1] for row in report.sections[0].table[1:]}
    # Angoulême twins with towns in eight countries; its water work is in Ségou, Mali
    assert rows["Angoulême (commune:16015)"] == "Mali"
    funders = next(s for s in report.sections if s.title == "Financeurs et porteurs")
    assert funders.lines or funders.intro  # never an empty section without a word
    # who funds the water actions, read the right way round, each with its source
    said = {line.text: line.source for line in funders.lines}
    assert said.get("Agence de l'eau Adour-Garonne — finance Pau")
    assert said.get("Association Poitiers Moundou (APM) — financé par CU du Grand Poitiers")
    call = "MEAE – appel à projets coopération décentralisée"
    assert said.get(f"{call} — finance Noaillan") and f"{call} — financé par Noaillan" not in said
    # a tie two sources attest is one line with both
    texts = [line.text for line in funders.lines]
    assert len(texts) == len(set(texts))
    [one_pct] = [line for line in funders.lines
                 if line.text == "Projet « 1 % solidaires » — Bordeaux Métropole y participe"]
    assert len(one_pct.sources) == 2


def test_an_actors_consortia_take_it_in_with_their_own_funding(svc: Context) -> None:
    report = build(svc, "commune:86137")  # Loudun: Burkina Faso (1967), Spain
    section = next(s for s in report.sections if s.title.startswith("Consortiums"))
    consortia = [line.text for line in section.lines if "chef de file" in line.text]
    assert len(consortia) == 2
    assert all("Loudun" in text for text in consortia)  # its report, its consortia
    # each funding line says which consortium it fits: no water agency for Spain
    funding = [line.text for line in section.lines if "financement" in line.text]
    assert funding and all(text.split(" — ")[0] in ("Burkina Faso", "Espagne")
                           for text in funding)
    assert not any(text.startswith("Espagne") and "Agence de l'eau" in text for text in funding)


def test_a_country_report_says_which_consortium_a_funder_fits_and_what_a_source_attests(
        svc: Context) -> None:
    report = build(svc, "country:SN")
    sections = {s.title: s for s in report.sections}
    calls = [line.text for line in sections["Appels et financeurs qui conviennent"].lines]
    assert calls and all(re.search(r"\(consortiums? n° [\d, ]+\)", text) for text in calls)
    actors = {row[0].rsplit(" (", 1)[0] for row in sections[
        "Qui agit, sur quoi, depuis quand"].table[1:]}
    sources = sections["Sources"].lines
    assert sources and all(line.source for line in sources)
    assert all(set(line.text.split(", ")) <= actors for line in sources)
    # the sources of the same actors are on one line
    texts = [line.text for line in sources]
    assert len(texts) == len(set(texts))
    assert any(len(line.sources) > 1 for line in sources)


def test_an_actors_relations_read_from_the_actor(svc: Context) -> None:
    report = build(svc, "region:75")
    said = [line.text for s in report.sections for line in s.lines]
    project = "Projet eau/assainissement Noaillan–Yaho"
    assert any(text.startswith(f"finance : {project}") for text in said)
    assert not any(text.startswith(f"financé par : {project}") for text in said)
    identity = [line.text for line in build(svc, "organisation:cuf").sections[0].lines]
    assert "catégorie : réseau" in identity  # as a reader says it, not the code « reseau »
    # a network's members are its action: the Région and a département among them
    members = [line.text for s in build(svc, "organisation:cuf").sections for line in s.lines
               if line.text.startswith("a pour membre : ")]
    assert {"Nouvelle-Aquitaine", "Vienne (2017)", "Bordeaux (2025)"} <= {
        text.removeprefix("a pour membre : ") for text in members}


def test_the_network_figures_are_the_home_regions_in_french(svc: Context) -> None:
    report = build(svc, "reseau")
    figures = report.sections[0]
    graph = svc.graph()
    communes = sum(1 for k, d in graph.nodes(data=True)
                   if d.get("kind") == "commune" and d.get("region") == svc.region)
    rows = {row[0]: row[1:] for row in figures.table[1:]}
    assert set(rows) == {"Région", "Département", "EPCI", "Commune"}  # not « country », « odd »
    assert rows["Commune"][0] == f"{communes:,}".replace(",", "\u202f")
    assert 0 < communes < 34_000  # the région's, not France's
    # each licence once, without the pointers to the sources
    assert len(report.licences) == len(set(report.licences))
    assert not any("voir" in licence for licence in report.licences)
    # an ODD no theme maps to is said as a limit of the vocabulary, not a bare « non suivi »
    quality = [line.text for line in next(
        s for s in report.sections if s.title == "Qualité des données").lines]
    assert any(text.startswith("ODD non suivi (aucun thème") for text in quality)
    assert not any(text.startswith("non suivi") for text in quality)
    # « intermédiarité 0,294 », with a French decimal comma
    brokers = [line.text for line in next(
        s for s in report.sections if s.title == "Les courtiers du réseau").lines]
    assert brokers and all(re.search(r"intermédiarité \d+,\d{3}, ", t) for t in brokers)


def test_hostile_name_is_inert_everywhere(svc: Context) -> None:
    for key in ("organisation:xss", "commune:86194"):
        report = build(svc, key)
        html = render(report, "html").decode()
        assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        md = render(report, "md").decode()
        assert XSS not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert XSS in pdf_text(render(build(svc, "organisation:xss"), "pdf"))


def test_no_contact_data_unless_asked(svc: Context) -> None:
    assert "secret@exemple.org" not in render(build(svc, "organisation:xss"), "html").decode()
    asked = render(build(svc, "organisation:xss", contacts=True), "html").decode()
    assert "secret@exemple.org" in asked


def test_a_project_sheet_says_who_carries_it_in_french(svc: Context) -> None:
    sections = {s.title: s for s in build(svc, "project:ml-segou").sections}
    carriers = [line.text for line in sections["Qui le porte"].lines]
    assert carriers == ["Angoulême — partenaire (2010-2012)"]  # the role in French
    assert sections["Financement"].intro.startswith("Aucun financeur connu")
    svc.store.upsert_nodes([Node(key="person:essai", name="Personne d'essai",
                                 provenance=Provenance(source="test", licence="test"))])
    with pytest.raises(NotFound, match="pas de rapport pour un nœud de type « Personne »"):
        build(svc, "person:essai")


def test_unknown_key(svc: Context) -> None:
    with pytest.raises(NotFound, match="nœud inconnu"):
        build(svc, "commune:00000")


def test_cli_writes_pdf(reference_db: Path, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{reference_db}")
    get_settings.cache_clear()
    out = tmp_path / "poitiers.pdf"
    result = CliRunner().invoke(app, ["report", "commune:86194", "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Fiche collectivité : Poitiers" in pdf_text(out.read_bytes())


def test_a_hostile_source_address_stays_text_in_markdown() -> None:
    from viz.report import Line, Report, Section

    hostile = "https://x/><img src=x onerror=alert(1)>"
    report = Report("acteur", "k", "Titre", "k", [Section("S", lines=[Line("fait", hostile)])],
                    "2026-01-01", [])
    md = render(report, "md").decode()
    assert "<img" not in md and "<https://x/>" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    html = render(report, "html").decode()
    assert "<img" not in html and 'href="https://x/' not in html


def test_a_programme_report_names_its_carriers_once_and_no_section_is_mute(
        svc: Context) -> None:
    report = build(svc, "programme:un-pour-cent-solidaire")
    sections = {s.title: s for s in report.sections}
    actors = {row[0] for row in sections["Acteurs"].table[1:]}
    carriers = {line.text.rsplit(" (", 1)[0] for line in sections["Financeurs et porteurs"].lines}
    assert "Programme Solidarité Eau" in carriers
    assert not {a.rsplit(" (", 1)[0] for a in actors} & carriers  # said once, as carriers
    assert actors  # the collectivités that take part
    for title in ("Projets", "Financeurs et porteurs", "Manques"):
        assert sections[title].lines or "programme" in sections[title].intro


def test_the_periods_of_a_relation_are_in_time_order(svc: Context) -> None:
    report = build(svc, "commune:16015")
    section = next(s for s in report.sections if s.title == "Action internationale")
    seen = 0
    for line in section.lines:
        found = re.search(r"\(([^()]*\d{4}[^()]*)\)$", line.text)
        if found and " ; " in found.group(1):
            firsts = [int(y[0]) for p in found.group(1).split(" ; ")
                      if (y := re.findall(r"\d{4}", p))]
            assert firsts == sorted(firsts), line.text
            seen += 1
    assert seen  # Angoulême and Ségou: 2010-2012, 2013-2015, 2020-2021


def test_a_commune_whose_partnership_ended_is_the_first_to_take_up_again(svc: Context) -> None:
    # « Jumelage Cerizay–Badou (Togo) créé en 1989, arrêté depuis 2007 » (na_relations.csv:96)
    report = build(svc, "departement:79")
    targets = next(s for s in report.sections if s.title == "Collectivités à mobiliser")
    first = targets.table[1]
    assert first[0] == "Cerizay (commune:79062)"
    assert first[2].startswith("a eu : jumelage avec Badou (Togo), 1989-2007")
    # the others have had none: nothing said of them but their proximity
    assert not any("a eu" in row[2] for row in targets.table[2:])
    assert "à relancer" in targets.intro
