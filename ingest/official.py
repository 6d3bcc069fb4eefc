"""Importers for the official reference formats: etalab ``communes.json`` /
``epci.json`` / ``departements.json`` / ``regions.json`` (npm
``@etalab/decoupage-administratif``) and the Sandre communes–basin CSV. They turn a new
vintage into the same tables as the bundled ones (``ingest/reference/data``), so both
the build script and ``maillage geo`` go through here."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ingest.errors import fail

#: The régions merged on 2016-01-01 and the former régions they absorbed.
FORMER_REGIONS = {
    "27": ("Bourgogne", "Franche-Comté"), "28": ("Basse-Normandie", "Haute-Normandie"),
    "32": ("Nord-Pas-de-Calais", "Picardie"),
    "44": ("Alsace", "Champagne-Ardenne", "Lorraine"),
    "75": ("Aquitaine", "Limousin", "Poitou-Charentes"),
    "76": ("Languedoc-Roussillon", "Midi-Pyrénées"), "84": ("Auvergne", "Rhône-Alpes"),
}
MERGER_SOURCE = ("anciennes régions : loi n° 2015-29 du 16 janvier 2015 "
                 "(Légifrance), fusion au 2016-01-01")
ETALAB_LICENCE = "Licence Ouverte (Etalab)"
SANDRE_LICENCE = "Données publiques Sandre"

Tables = dict[str, list[dict[str, Any]]]


def read_json_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(path.name, f"JSON illisible ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise fail(path.name, "liste d'objets JSON attendue (format etalab)")
    return data


def read_basins(path: Path) -> dict[str, dict[str, str]]:
    """The Sandre communes CSV re-keyed to the COG: ``code_insee``, ``bassin``, ``status``."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise fail(path.name, f"CSV illisible ({exc})") from None
    if not rows or not {"code_insee", "bassin"} <= set(rows[0]):
        raise fail(path.name, "colonnes « code_insee » et « bassin » attendues", line=1)
    return {r["code_insee"]: r for r in rows}


def _need(record: dict[str, Any], keys: tuple[str, ...], file: str, index: int) -> None:
    missing = [k for k in keys if k not in record]
    if missing:
        raise fail(file, f"objet n° {index + 1} : champ(s) {', '.join(missing)} absent(s)")


def geography_tables(communes: list[dict[str, Any]], epcis: list[dict[str, Any]],
                     departements: list[dict[str, Any]], regions: list[dict[str, Any]],
                     basins: dict[str, dict[str, str]], dep_siren: dict[str, str],
                     reg_siren: dict[str, str], source: str, basin_source: str) -> Tables:
    """Official records → the rows of ``regions.csv``, ``departements.csv``, ``epci.csv``
    and ``communes.csv`` for the whole of France (the home region is a setting, not a cut
    of the data). Basins are only known where the basin file covers the commune."""
    for i, c in enumerate(communes):
        _need(c, ("code", "nom", "type"), "communes.json", i)
    for i, e in enumerate(epcis):
        _need(e, ("code", "nom", "membres"), "epci.json", i)
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    # The 18 régions and their 101 départements; the collectivités d'outre-mer (codes of
    # three digits) have communes but neither région nor département of that kind.
    regions = [r for r in regions if len(str(r.get("code", ""))) == 2]
    departements = [d for d in departements if d.get("region") in {r["code"] for r in regions}]
    dep_pop: dict[str, int] = defaultdict(int)
    reg_pop: dict[str, int] = defaultdict(int)
    for c in current.values():
        dep_pop[str(c.get("departement"))] += int(c.get("population") or 0)
        reg_pop[str(c.get("region"))] += int(c.get("population") or 0)
    tables: Tables = {"regions.csv": [{
        "code": r["code"], "nom": r["nom"], "siren": reg_siren.get(r["code"], ""),
        "population": reg_pop[r["code"]],
        "former_names": "|".join(FORMER_REGIONS.get(r["code"], ())),
        "source": source + (f"; {MERGER_SOURCE}" if r["code"] in FORMER_REGIONS else ""),
        "licence": ETALAB_LICENCE} for r in sorted(regions, key=lambda r: r["code"])]}
    tables["departements.csv"] = [{
        "code": d["code"], "nom": d["nom"], "region": d["region"],
        "siren": dep_siren.get(d["code"], ""), "population": dep_pop[d["code"]], "source": source,
        "licence": ETALAB_LICENCE} for d in sorted(departements, key=lambda d: d["code"])]
    former: dict[str, list[str]] = defaultdict(list)
    for c in communes:
        if c["type"] in ("commune-deleguee", "commune-associee"):
            parent = str(c.get("chefLieu", ""))
            if (parent in current and c["nom"] != current[parent]["nom"]
                    and c["nom"] not in former[parent]):
                former[parent].append(c["nom"])
    epci_of: dict[str, str] = {}
    rows = []
    for e in sorted(epcis, key=lambda e: e["code"]):
        members = [m["code"] for m in e["membres"] if m.get("code") in current]
        for code in members:
            epci_of[code] = e["code"]
        rows.append({"siren": e["code"], "nom": e["nom"], "nature": e.get("type", ""),
                     "population": e.get("populationTotale", ""),
                     "departements": "|".join(sorted({str(current[m]["departement"])
                                                      for m in members})),
                     "regions": "|".join(sorted({str(current[m]["region"]) for m in members})),
                     "members_total": len(e["membres"]),
                     "source": source, "licence": ETALAB_LICENCE})
    tables["epci.csv"] = rows
    rows = []
    for code in sorted(current):
        c = current[code]
        basin = basins.get(code, {})
        rows.append({
            "insee": code, "nom": c["nom"], "departement": c["departement"],
            "region": c.get("region", ""), "siren": c.get("siren", ""),
            "population": c.get("population", ""), "epci": epci_of.get(code, ""),
            "codes_postaux": "|".join(c.get("codesPostaux", [])),
            "basin": basin.get("bassin", ""),
            "basin_ambiguous": "1" if basin.get("status") == "ambiguous-merged-commune" else "",
            "former_names": "|".join(former.get(code, [])),
            "source": f"{source}; bassin : {basin_source}" if basin else source,
            "licence": f"{ETALAB_LICENCE}; {SANDRE_LICENCE}" if basin else ETALAB_LICENCE})
    tables["communes.csv"] = rows
    return tables
