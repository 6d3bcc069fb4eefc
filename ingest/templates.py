"""Import templates: French column names, their synonyms, the converter of a row, and
header mapping. One registry, :data:`TEMPLATES`: to add a template, define it here with its
converter (``(row, line, file, resolvers, licence, code_override) -> RowResult``)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.validation import french_reason
from ingest.errors import RowError
from ingest.facts import convert
from ingest.readers import HELP_HEADERS
from ingest.records import convert_organisation, convert_person, convert_project
from ingest.resolve import clean
from ingest.rows import Resolvers, RowResult
from ingest.wikidata import KEY as WIKIDATA_KEY
from ingest.wikidata import LICENCE as WIKIDATA_LICENCE
from ingest.wikidata import convert_twinning, prepare

Converter = Callable[..., RowResult]


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    columns: tuple[Column, ...]
    convert: Converter
    example: dict[str, str] = field(default_factory=dict)
    #: Whether a review item of this template is settled by naming the collectivité (other
    #: rows are corrected in the file and imported again).
    settleable: bool = False
    #: ``(rows, resolvers, store) -> keyword arguments of convert``, for a template whose
    #: rows are read against the whole file (Wikidata: where each département lies)
    prepare: Callable[..., dict[str, Any]] | None = None
    #: the licence of the rows when the user names none
    licence: str | None = None

    def convert_row(self, row: dict[str, str], line: int, file: str, resolvers: Resolvers,
                    licence: str, code_override: str | None = None,
                    **extra: Any) -> RowResult:
        try:
            result: RowResult = self.convert(row, line, file, resolvers, licence,
                                             code_override=code_override, **extra)
        except ValidationError as exc:
            # the checks should have caught it; never a traceback for a user's row
            reasons = "; ".join(french_reason(e) for e in exc.errors())
            result = RowResult(line=line, name=row.get("collectivite", ""))
            result.errors.append(RowError(file=file, line=line, column=None,
                                          reason=f"ligne refusée : {reasons}"))
        return result

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ACTIONS = Template(
    key="actions",
    title="actions internationales",
    convert=convert,
    settleable=True,
    columns=(
        Column("collectivite", "nom de la collectivité, tel qu'on l'écrit (« Ville de Poitiers »)",
               True, ("collectivité", "french_actor", "acteur", "collectivite territoriale",
                      "nom collectivite")),
        Column("code", "code INSEE ou SIREN (facultatif)", False,
               ("code insee", "siren", "insee", "code insee ou siren",
                "french_code_insee_or_siren_if_stated_or_obvious")),
        Column("departement", "numéro du département, pour départager les homonymes", False,
               ("département", "dep", "dept", "code departement")),
        Column("type_collectivite", "commune, epci, departement ou region (facultatif)", False,
               ("french_actor_type", "type acteur", "type collectivite", "nature")),
        Column("type_relation", "jumelage, coopération, projet, financement, programme, "
               "adhésion ou volontariat", True, ("relation_type", "type", "relation",
                                                 "type de relation")),
        Column("partenaire", "collectivité étrangère, organisation, programme ou projet", True,
               ("counterpart", "partner", "partenaires")),
        Column("pays", "pays du partenaire : nom français ou anglais, ou code ISO ; "
               "plusieurs séparés par « ; »", False,
               ("counterpart_country_iso2", "country", "iso2", "pays partenaire")),
        Column("thematique", "thèmes, séparés par des virgules", False,
               ("thématique", "theme", "thème", "themes", "thematiques")),
        Column("periode", "« 2019 », « 2019-2022 », « depuis 2003 », « 1982; 2012 »", False,
               ("période", "year_or_period", "annee", "année", "dates", "date")),
        Column("description", "ce que dit la source", False,
               ("statement", "commentaire", "commentaires", "notes")),
        Column("source", "URL ou référence de la source", False,
               ("source_url", "url", "lien")),
    ),
    example={"collectivite": "Ville de Poitiers", "code": "86194", "departement": "86",
             "type_collectivite": "commune", "type_relation": "jumelage",
             "partenaire": "Marburg", "pays": "Allemagne", "thematique": "culture, jeunesse",
             "periode": "depuis 1961", "description": "", "source": ""},
)

ORGANISATIONS = Template(
    key="organisations",
    title="organisations",
    convert=convert_organisation,
    columns=(
        Column("nom", "nom de l'organisation", True, ("organisation", "nom organisation",
                                                      "structure", "name")),
        Column("sigle", "sigle ou acronyme", False, ("acronyme", "acronym")),
        Column("categorie", "réseau, association, agence, agence de l'eau, ministère, "
               "instance, université, entreprise, autre", False, ("catégorie", "type", "kind")),
        Column("description", "ce que fait l'organisation", False, ("presentation", "notes")),
        Column("site", "site web", False, ("site web", "url", "website")),
        Column("pays", "pays du siège, si hors de France", False, ("country",)),
        Column("source", "URL ou référence de la source", False, ("source_url",)),
    ),
    example={"nom": "Programme Solidarité Eau", "sigle": "pS-Eau", "categorie": "association",
             "description": "", "site": "", "pays": "", "source": ""},
)

PROJECTS = Template(
    key="projets",
    title="projets",
    convert=convert_project,
    columns=(
        Column("projet", "intitulé du projet", True, ("intitule", "intitulé", "nom du projet",
                                                      "titre", "project")),
        Column("membres", "collectivités membres, séparées par « ; », rôle entre parenthèses : "
               "« Ville de Poitiers (chef de file); CA de La Rochelle (partenaire) »", True,
               ("collectivites", "collectivités", "porteurs", "partenaires francais")),
        Column("pays", "pays du projet ; plusieurs séparés par « ; »", False, ("country",)),
        Column("partenaire_etranger", "collectivités étrangères, séparées par « ; »", False,
               ("partenaires etrangers", "territoire", "collectivite etrangere")),
        Column("thematique", "thèmes, séparés par des virgules", False,
               ("thématique", "theme", "thème", "themes")),
        Column("odd", "numéros d'ODD, séparés par des virgules", False, ("odds", "objectifs")),
        Column("periode", "« 2019-2022 », « depuis 2021 »", False, ("période", "dates")),
        Column("budget", "budget total en euros", False, ("montant", "cout", "coût")),
        Column("statut", "en préparation, en cours, terminé", False, ("etat", "état", "status")),
        Column("financeurs", "organisations ou dispositifs, séparés par « ; »", False,
               ("financement", "financements", "bailleurs")),
        Column("programme", "programme ou appel dont relève le projet", False,
               ("dispositif", "appel")),
        Column("description", "objet du projet", False, ("resume", "résumé", "notes")),
        Column("source", "URL ou référence de la source", False, ("source_url", "url")),
    ),
    example={"projet": "Eau potable à Moundou", "membres":
             "Ville de Poitiers (chef de file); Grand Poitiers (partenaire)", "pays": "Tchad",
             "partenaire_etranger": "Moundou", "thematique": "eau et assainissement", "odd": "6",
             "periode": "2024-2027", "budget": "", "statut": "en cours",
             "financeurs": "Agence de l'eau Loire-Bretagne", "programme": "", "description": "",
             "source": ""},
)

PEOPLE = Template(
    key="personnes",
    title="personnes",
    convert=convert_person,
    settleable=True,
    columns=(
        Column("nom", "prénom et nom", True, ("personne", "nom prenom", "name")),
        Column("structure", "collectivité ou organisation", True,
               ("collectivite", "collectivité", "organisation", "employeur")),
        Column("fonction", "fonction ou mandat", False, ("poste", "role", "rôle", "titre")),
        Column("email", "adresse électronique (donnée personnelle)", False,
               ("courriel", "mail", "e-mail")),
        Column("telephone", "téléphone (donnée personnelle)", False, ("téléphone", "tel")),
        Column("source", "URL ou référence de la source", False, ("source_url",)),
    ),
    example={"nom": "", "structure": "Ville de Poitiers", "fonction": "chargée de mission",
             "email": "", "telephone": "", "source": ""},
)

WIKIDATA = Template(
    key=WIKIDATA_KEY,
    title="jumelages Wikidata (P190)",
    convert=convert_twinning,
    prepare=prepare,
    licence=WIKIDATA_LICENCE,
    settleable=True,
    columns=(
        Column("ville_fr", "ville française (libellé Wikidata)", True, ("origincitylabel",)),
        Column("pays_fr", "pays de la ville française", False, ("origincountry",)),
        Column("lat_fr", "latitude de la ville française", False, ("originlat",)),
        Column("lon_fr", "longitude de la ville française", False, ("originlong",)),
        Column("population_fr", "population de la ville française (Wikidata)", False,
               ("originpopulation",)),
        Column("ville_jumelle", "ville jumelle (libellé Wikidata)", True, ("sistercitylabel",)),
        Column("lat_jumelle", "latitude de la ville jumelle", False, ("destinationlat",)),
        Column("lon_jumelle", "longitude de la ville jumelle", False, ("destinationlong",)),
        Column("population_jumelle", "population de la ville jumelle", False,
               ("destinationpopulation",)),
        Column("pays_jumelle", "pays de la ville jumelle (nom anglais)", True,
               ("destination_countrylabel",)),
        Column("distance_km", "distance entre les deux villes", False, ("dist",)),
        Column("ue", "pays de l'Union européenne (EU / Non-EU)", False, ("eu",)),
    ),
    example={"ville_fr": "Poitiers", "pays_fr": "France", "lat_fr": "46.58",
             "lon_fr": "0.34", "population_fr": "", "ville_jumelle": "Marburg",
             "lat_jumelle": "50.81", "lon_jumelle": "8.77", "population_jumelle": "",
             "pays_jumelle": "Germany", "distance_km": "", "ue": "EU"},
)

TEMPLATES = {t.key: t for t in (ACTIONS, ORGANISATIONS, PROJECTS, PEOPLE, WIKIDATA)}


def template_names() -> str:
    """« actions, organisations, projets, personnes », for help and error messages."""
    return ", ".join(TEMPLATES)


def detect_template(headers: list[str], file: str,
                    mapping: dict[str, str] | None = None) -> Template:
    """The template whose columns the headers fit; the closest one when none fits."""
    scored = []
    for template in TEMPLATES.values():
        columns, errors = map_headers(headers, template, file, mapping)
        scored.append((len(errors), -len(columns), list(TEMPLATES).index(template.key), template))
    return min(scored, key=lambda s: s[:3])[3]


def map_headers(headers: list[str], template: Template, file: str,
                mapping: dict[str, str] | None = None) -> tuple[dict[str, str], list[RowError]]:
    """Map the file's headers to template columns: ``{file header: column}``.

    >>> m, errors = map_headers(["Collectivité", "Type", "Partenaire", "Pays"], ACTIONS, "f.csv")
    >>> m["Collectivité"], m["Type"], errors
    ('collectivite', 'type_relation', [])
    """
    lookup: dict[str, str] = {}
    for column in template.columns:
        for alias in (column.name, *column.synonyms):
            lookup[clean(alias).replace(" ", "_")] = column.name
    explicit = {clean(k).replace(" ", "_"): v for k, v in (mapping or {}).items()}
    result: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        norm = clean(header).replace(" ", "_")
        if not norm:
            continue
        target = explicit.get(norm) or lookup.get(norm)
        if target is None:
            errors.append(RowError(file=file, line=1, column=header,
                                   reason="colonne inconnue ; colonnes attendues : "
                                   + ", ".join(c.name for c in template.columns)
                                   + " ; renommez-la ou retirez-la du fichier (en ligne de "
                                   f"commande : --mapping \"{header}=colonne\", ou "
                                   f"\"{header}=-\" pour l'ignorer)"))
        elif target == "-":
            continue  # explicitly ignored with --mapping
        elif target not in {c.name for c in template.columns}:
            errors.append(RowError(file=file, line=1, column=header,
                                   reason=f"--mapping vers une colonne inconnue « {target} »"))
        elif target in result.values():
            errors.append(RowError(file=file, line=1, column=header,
                                   reason=f"colonne « {target} » présente deux fois"))
        else:
            result[header] = target
    for column in template.columns:
        if column.required and column.name not in result.values():
            errors.append(RowError(file=file, line=1, column=column.name,
                                   reason=f"colonne obligatoire manquante ({column.help})"))
    return result, errors


def write_template(template: Template, folder: Path) -> list[Path]:
    """An empty template as CSV (UTF-8 with BOM, ``;``, as Excel opens it) and XLSX."""
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"modele-{template.key}"
    headers = [c.name for c in template.columns]
    csv_path = base.with_suffix(".csv")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(headers)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = template.title[:31]
    sheet.append(headers)
    notes = workbook.create_sheet("aide")
    notes.append(list(HELP_HEADERS))
    for column in template.columns:
        notes.append([column.name, "oui" if column.required else "non", column.help,
                      template.example.get(column.name, "")])
    xlsx_path = base.with_suffix(".xlsx")
    workbook.save(xlsx_path)
    return [csv_path, xlsx_path]
