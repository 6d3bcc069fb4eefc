"""A corpus of bad files, as users and attackers produce them: each one must be refused
with a French message naming the file (and the line and column when a row is at fault),
and leave the store unchanged.

Each case is ``(file name, bytes, expected words of the message)``.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile
from collections.abc import Iterator, Sequence

from openpyxl import Workbook

ACTIONS = ("collectivite;code;departement;type_relation;partenaire;pays;thematique;periode;"
           "description;source")
ORGS = "nom;sigle;categorie;description;site;pays;source"
PROJECTS = ("projet;membres;pays;partenaire_etranger;thematique;odd;periode;budget;statut;"
            "financeurs;programme;description;source")
PEOPLE = "nom;structure;fonction;email;telephone;source"
GOOD = "Poitiers;;;jumelage;Marburg;DE;;1961;;"


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def _row(**cells: str) -> str:
    """An actions row: the good one with some cells replaced."""
    names = ACTIONS.split(";")
    values = dict(zip(names, GOOD.split(";"), strict=True))
    values.update(cells)
    return ";".join(values[n] for n in names)


def _xlsx(rows: Sequence[Sequence[object]],
          extra_sheet: Sequence[Sequence[object]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if extra_sheet is not None:
        other = workbook.create_sheet("autre")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        for _ in range(80):
            sheet.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


def cases() -> Iterator[tuple[str, bytes, str]]:
    noise = random.Random(7)
    header = ACTIONS.split(";")
    # -- encodings and file types ------------------------------------------------------
    yield "utf16.csv", _csv(ACTIONS, GOOD, encoding="utf-16"), "UTF-16"
    yield "utf16be.csv", _csv(ACTIONS, GOOD, encoding="utf-16-be"), "UTF-16"
    yield "utf32.csv", _csv(ACTIONS, GOOD, encoding="utf-32"), "UTF-16"
    yield ("mixte.csv", _csv(ACTIONS, _row(partenaire="Münster")) +
           _csv(_row(partenaire="Atakpamé", pays="TG"), encoding="cp1252"), "encodages mélangés")
    yield "mojibake.csv", _csv(ACTIONS, _row(partenaire="MÃ¼nster")), "mauvais encodage"
    yield "remplacement.csv", _csv(ACTIONS, _row(partenaire="M\ufffdnster")), "caractère de remplacement"
    yield "binaire.csv", bytes(range(256)) * 20, "binaire"
    yield "image.csv", b"\x89PNG\r\n\x1a\n" + bytes(noise.randrange(256) for _ in range(3000)), \
        "binaire"
    yield "pdf.csv", b"%PDF-1.4\n" + bytes(noise.randrange(256) for _ in range(3000)), "binaire"
    yield "gzip.csv", gzip.compress(_csv(ACTIONS, GOOD) * 50), "binaire"
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", "x")
    yield "classeur.csv", zipped.getvalue(), "renommez-le en .xlsx"
    yield "vide.csv", b"", "fichier vide"
    yield "blancs.csv", b"  \n\n \t \n", "fichier vide"
    yield "bom.csv", b"\xef\xbb\xbf", "fichier vide"
    yield "entete.csv", _csv(ACTIONS), "aucune ligne de données"
    # -- structure -----------------------------------------------------------------------
    yield "manque.csv", b"collectivite;pays\nPoitiers;DE\n", "colonne obligatoire manquante"
    yield "inconnue.csv", _csv(f"{ACTIONS};couleur", f"{GOOD};bleu"), "colonne inconnue"
    yield "entete-double.csv", _csv(f"{ACTIONS};pays", f"{GOOD};DE"), "présente deux fois"
    yield "cellules.csv", _csv(ACTIONS, f"{GOOD};en trop;encore"), "cellules pour"
    yield "guillemet-ouvert.csv", _csv(ACTIONS, GOOD, 'Niort;;;jumelage;"Atakpamé;TG;;;;'), \
        "guillemet"
    yield ("guillemet-avale.csv",
           _csv(ACTIONS, 'Niort;;;jumelage;"Atakpamé;TG;;;;', 'Poitiers;;;jumelage;Marburg";DE;;;;'),
           "guillemet")
    yield "guillemet-errant.csv", _csv(ACTIONS, 'Niort;;;jumelage;"Atakpamé"x;TG;;;;'), "guillemet"
    yield "doublon.csv", _csv(ACTIONS, GOOD, GOOD), "ligne en double"
    yield "page-web.csv", b"<!doctype html><html><body><p>Erreur 404</p></body></html>\n", \
        "colonne"
    # -- values of the actions template -------------------------------------------------
    yield "pays.csv", _csv(ACTIONS, _row(pays="Atlantide")), "pays « Atlantide » inconnu"
    yield "code.csv", _csv(ACTIONS, _row(code="99999")), "code « 99999 » inconnu"
    yield "type.csv", _csv(ACTIONS, _row(type_relation="amitié")), "type « amitié »"
    yield "periode.csv", _csv(ACTIONS, _row(periode="jadis")), "période « jadis » illisible"
    yield "siecles.csv", _csv(ACTIONS, _row(periode="1800-2099")), "299 ans"
    yield "periode-inversee.csv", _csv(ACTIONS, _row(periode="2022-2019")), "période"
    yield "futur.csv", _csv(ACTIONS, _row(periode="2199")), "période"
    yield "an-mil.csv", _csv(ACTIONS, _row(periode="999")), "période"
    yield "formule.csv", _csv(ACTIONS, _row(partenaire='"=HYPERLINK(""http://x"")"')), "formule"
    yield "formule-plus.csv", _csv(ACTIONS, _row(partenaire="+cmd|' /C calc'!A0")), "formule"
    yield "formule-moins.csv", _csv(ACTIONS, _row(partenaire="-2+3+cmd|' /C calc'!A0")), "formule"
    yield "arobase.csv", _csv(ACTIONS, _row(partenaire="@SUM(1+1)")), "formule"
    yield "formule-source.csv", _csv(ACTIONS, _row(source="=WEBSERVICE(\"http://x\")")), "formule"
    yield "bel.csv", _csv(ACTIONS, _row(partenaire="Mar\x07burg")), "caractère de contrôle U+0007"
    yield "nul.csv", _csv(ACTIONS, _row(partenaire="Mar\x00burg")), "caractère de contrôle U+0000"
    yield "echap.csv", _csv(ACTIONS, _row(partenaire="\x1b[31mMarburg")), "U+001B"
    yield "del.csv", _csv(ACTIONS, _row(description="fin\x7f")), "U+007F"
    yield "c1.csv", _csv(ACTIONS, _row(partenaire="Mar\x85burg")), "U+0085"
    yield "bidi.csv", _csv(ACTIONS, _row(partenaire="Mar\u202eburg")), "U+202E"
    yield "nom-long.csv", _csv(ACTIONS, _row(partenaire="Marburg" * 80)), "trop long"
    yield "sans-lettre.csv", _csv(ACTIONS, _row(partenaire="{}")), "ni lettre ni chiffre"
    yield "partenaire-vide.csv", _csv(ACTIONS, _row(partenaire="")), "valeur obligatoire"
    yield "collectivite-vide.csv", _csv(ACTIONS, _row(collectivite="")), "valeur obligatoire"
    yield "departement.csv", _csv(ACTIONS, _row(departement="999")), "département « 999 »"
    # -- the other templates --------------------------------------------------------------
    yield "orgs-sans-nom.csv", _csv("sigle;categorie", "ADL;association"), \
        "colonne obligatoire manquante"
    yield "orgs-pays.csv", _csv(ORGS, "Association des Lilas;ADL;association;;;Atlantide;"), \
        "pays « Atlantide » inconnu"
    yield "orgs-formule.csv", _csv(ORGS, "Association des Lilas;=1+1;association;;;;"), "formule"
    yield "orgs-site.csv", _csv(ORGS, "Association des Lilas;ADL;association;;javascript:alert(1);;"), \
        "adresse web"
    yield "projets-budget.csv", _csv(PROJECTS, "Eau au Burkina;Poitiers;BF;;;;2020;beaucoup;;;;;"), \
        "montant « beaucoup » illisible"
    yield "projets-odd.csv", _csv(PROJECTS, "Eau au Burkina;Poitiers;BF;;;42;2020;;;;;;"), \
        "ODD « 42 »"
    yield "projets-statut.csv", _csv(PROJECTS, "Eau au Burkina;Poitiers;BF;;;;2020;;fini?;;;;"), \
        "statut « fini? »"
    yield "personnes-email.csv", _csv(PEOPLE, "Jeanne Martin;Poitiers;maire;pas-une-adresse;;"), \
        "adresse « pas-une-adresse » invalide"
    yield "personnes-formule.csv", _csv(PEOPLE, "Jeanne Martin;Poitiers;maire;;=1+1;"), "formule"
    # -- workbooks --------------------------------------------------------------------------
    good = _xlsx([header, GOOD.split(";")])
    yield "tronque.xlsx", good[:900], "tronqué"
    yield "faux.xlsx", _csv(ACTIONS, GOOD), "illisible"
    yield "bombe.xlsx", _bomb(), "trop gros une fois décompressé"
    yield "feuilles.xlsx", _xlsx([header, GOOD.split(";")], [header, GOOD.split(";")]), \
        "plusieurs feuilles remplies"
    yield "formule.xlsx", _xlsx([header, ["Poitiers", "", "", "jumelage", "=1+1", "DE"]]), \
        "formule"
    yield "classeur-vide.xlsx", _xlsx([]), "feuille vide"
    yield "manque.xlsx", _xlsx([["collectivite", "pays"], ["Poitiers", "DE"]]), \
        "colonne obligatoire manquante"
    yield "pays.xlsx", _xlsx([header, ["Poitiers", "", "", "jumelage", "Marburg", "Atlantide"]]), \
        "pays « Atlantide » inconnu"
    yield "annee-texte.xlsx", _xlsx([header, ["Poitiers", "", "", "jumelage", "Marburg", "DE",
                                              "", "autrefois"]]), "période « autrefois »"
