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

REGION = "75"
FORMER_REGIONS = "Aquitaine|Limousin|Poitou-Charentes"
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
                     reg_siren: dict[str, str], source: str, basin_source: str,
                     region: str = REGION) -> Tables:
    """Official records → the rows of ``regions.csv``, ``departements.csv``, ``epci.csv``
    and ``communes.csv`` for one région."""
    for i, c in enumerate(communes):
        _need(c, ("code", "nom", "type"), "communes.json", i)
    for i, e in enumerate(epcis):
        _need(e, ("code", "nom", "membres"), "epci.json", i)
    current = [c for c in communes if c.get("region") == region and c["type"] == "commune-actuelle"]
    codes = {c["code"] for c in current}
    reg = next((r for r in regions if r.get("code") == region), None)
    if reg is None:
        raise fail("regions.json", f"région {region} absente")
    pops: dict[str, int] = defaultdict(int)
    for c in current:
        pops[c["departement"]] += int(c.get("population") or 0)
    tables: Tables = {"regions.csv": [{
        "code": region, "nom": reg["nom"], "siren": reg_siren.get(region, ""),
        "population": sum(pops.values()), "former_names": FORMER_REGIONS if region == REGION else "",
        "source": f"{source}; anciennes régions fusionnées le 2016-01-01",
        "licence": ETALAB_LICENCE}]}
    tables["departements.csv"] = [{
        "code": d["code"], "nom": d["nom"], "region": d["region"],
        "siren": dep_siren.get(d["code"], ""), "population": pops[d["code"]], "source": source,
        "licence": ETALAB_LICENCE}
        for d in sorted(departements, key=lambda d: d["code"]) if d.get("region") == region]
    former: dict[str, list[str]] = defaultdict(list)
    for c in communes:
        if c.get("region") == region and c["type"] in ("commune-deleguee", "commune-associee"):
            parent = str(c.get("chefLieu", ""))
            if parent in codes and c["nom"] not in former[parent]:
                former[parent].append(c["nom"])
    epci_of: dict[str, str] = {}
    rows = []
    for e in sorted(epcis, key=lambda e: e["code"]):
        members = [m["code"] for m in e["membres"] if m.get("code") in codes]
        if not members:
            continue
        for code in members:
            epci_of[code] = e["code"]
        rows.append({"siren": e["code"], "nom": e["nom"], "nature": e.get("type", ""),
                     "population": e.get("populationTotale", ""),
                     "departements": "|".join(sorted({m[:2] for m in members})),
                     "members_in_region": len(members), "members_total": len(e["membres"]),
                     "source": source, "licence": ETALAB_LICENCE})
    tables["epci.csv"] = rows
    rows = []
    for c in sorted(current, key=lambda c: c["code"]):
        basin = basins.get(c["code"], {})
        rows.append({
            "insee": c["code"], "nom": c["nom"], "departement": c["departement"],
            "siren": c.get("siren", ""), "population": c.get("population", ""),
            "epci": epci_of.get(c["code"], ""),
            "codes_postaux": "|".join(c.get("codesPostaux", [])),
            "basin": basin.get("bassin", ""),
            "basin_ambiguous": "1" if basin.get("status") == "ambiguous-merged-commune" else "",
            "former_names": "|".join(former.get(c["code"], [])),
            "source": f"{source}; bassin : {basin_source}",
            "licence": f"{ETALAB_LICENCE}; {SANDRE_LICENCE}"})
    tables["communes.csv"] = rows
    return tables
