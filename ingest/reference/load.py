"""Turn the bundled reference files into graph records (geography, ODD, countries,
themes, organisations, programmes, RRMA). The 297 facts are not loaded here: they go
through the user import path (:mod:`ingest.importer`)."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from graph.labels import CATEGORY_LABELS
from graph.model import Node, Provenance, Relationship, RelType, UpsertSummary, slugify
from graph.store import GraphStore
from ingest.official import Tables
from ingest.resolve import HOME_REGION, clean
from ingest.themes import THEMES

if TYPE_CHECKING:
    from ingest.importer import ImportReport

DATA = Path(__file__).parent / "data"
FACTS = DATA / "na_relations.csv"
TWINNINGS = DATA / "wikidata_p190_france_2017.tsv"
MAILLAGE_LICENCE = "MIT (vocabulaire de Maillage)"

ORGANISATION_CATEGORY = CATEGORY_LABELS
# organisations.csv lists the Conseil régional as a partner: it is the Région itself.
SAME_AS = {"conseil-regional-na": "region:75"}


def table_rows(name: str) -> list[dict[str, str]]:
    """The rows of a bundled table (``communes.csv`` is stored compressed)."""
    path = DATA / name
    if not path.exists() and (DATA / f"{name}.gz").exists():
        text = gzip.decompress((DATA / f"{name}.gz").read_bytes()).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text, newline="")))
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    return enumerate(table_rows(name), start=2)


def _prov(name: str, line: int, row: dict[str, str], origin: str = "ingest/reference/data/"
          ) -> Provenance:
    return Provenance(source=f"{row['source']} — {origin}{name}:{line}", licence=row["licence"])


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def geography(tables: Tables | None = None, origin: str = "ingest/reference/data/",
              regions: set[str] | None = None) -> tuple[list[Node], list[Relationship]]:
    """Geography records from the bundled tables, or from tables built out of a new vintage
    of the official files (:mod:`ingest.official`); only those of ``regions`` if given (a
    lighter store for one région, as the tests use)."""
    nodes: list[Node] = []
    rels: list[Relationship] = []

    def rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
        found = _rows(name) if tables is None else enumerate(
            ({k: str(v) for k, v in r.items()} for r in tables[name]), start=2)
        if regions is None:
            return found
        field = {"regions.csv": "code", "epci.csv": "regions"}.get(name, "region")
        return ((line, r) for line, r in found if set(r[field].split("|")) & regions)

    def prov(name: str, line: int, row: dict[str, str]) -> Provenance:
        return _prov(name, line, row, origin)

    for line, r in rows("regions.csv"):
        p = prov("regions.csv", line, r)
        nodes.append(Node(key=f"region:{r['code']}", name=r["nom"], provenance=p, props={
            "insee": r["code"], "siren": r["siren"], "population": _int(r["population"]),
            "former_names": r["former_names"].split("|") if r["former_names"] else None}))
    for line, r in rows("departements.csv"):
        p = prov("departements.csv", line, r)
        key = f"departement:{r['code']}"
        nodes.append(Node(key=key, name=r["nom"], provenance=p, props={
            "insee": r["code"], "siren": r["siren"] or None, "region": r["region"],
            "population": _int(r["population"])}))
        rels.append(Relationship(type=RelType.LOCATED_IN, start=key, end=f"region:{r['region']}",
                                 provenance=p))
    departements = {f"departement:{r['code']}" for _, r in rows("departements.csv")}
    for line, r in rows("epci.csv"):
        p = prov("epci.csv", line, r)
        key = f"epci:{r['siren']}"
        deps = [d for d in r["departements"].split("|")
                if regions is None or f"departement:{d}" in departements]
        nodes.append(Node(key=key, name=r["nom"], provenance=p, props={
            "siren": r["siren"], "nature": r["nature"], "population": _int(r["population"]),
            "departements": deps, "regions": r["regions"].split("|"),
            "members_total": int(r["members_total"])}))
        rels.extend(Relationship(type=RelType.LOCATED_IN, start=key, end=f"departement:{d}",
                                 provenance=p) for d in deps)
    for line, r in rows("communes.csv"):
        p = prov("communes.csv", line, r)
        key = f"commune:{r['insee']}"
        props: dict[str, object] = {
            "insee": r["insee"], "siren": r["siren"], "population": _int(r["population"]),
            "departement": r["departement"], "region": r["region"] or None,
            "epci": r["epci"] or None, "basin": r["basin"] or None,
            "postcodes": r["codes_postaux"].split("|") if r["codes_postaux"] else None,
            "former_names": r["former_names"].split("|") if r["former_names"] else None}
        if r["basin_ambiguous"]:
            props["basin_ambiguous"] = True
        nodes.append(Node(key=key, name=r["nom"], provenance=p, props=props))  # type: ignore[arg-type]
        if f"departement:{r['departement']}" in departements:  # not in a collectivité d'outre-mer
            rels.append(Relationship(type=RelType.LOCATED_IN, start=key,
                                     end=f"departement:{r['departement']}", provenance=p))
        if r["epci"]:
            rels.append(Relationship(type=RelType.MEMBER_OF, start=key, end=f"epci:{r['epci']}",
                                     provenance=p))
    return nodes, rels


def vocabularies() -> tuple[list[Node], list[Relationship]]:
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for line, r in _rows("odd.csv"):
        nodes.append(Node(key=f"odd:{r['odd']}", name=f"ODD {r['odd']} – {r['short_fr']}",
                          provenance=_prov("odd.csv", line, r),
                          props={"number": int(r["odd"]), "title_fr": r["title_fr"],
                                 "name_en": r["short_en"], "title_en": r["title_en"]}))
    for line, r in _rows("countries.csv"):
        nodes.append(Node(key=f"country:{r['alpha2']}", name=r["nom"],
                          provenance=_prov("countries.csv", line, r),
                          props={"alpha3": r["alpha3"], "name_en": r["name_en"],
                                 "nom_iso": r["nom_iso"], "nom_i18n": r["nom_i18n"],
                                 "zone": r["zone"] or None, "continent": r["continent"] or None}))
    theme_prov = Provenance(source="ingest/themes.py", licence=MAILLAGE_LICENCE)
    for key, (label, keywords, odds) in THEMES.items():
        nodes.append(Node(key=f"theme:{key}", name=label, provenance=theme_prov,
                          props={"keywords": list(keywords)}))
        rels.extend(Relationship(type=RelType.ADDRESSES, start=f"theme:{key}", end=f"odd:{o}",
                                 provenance=theme_prov) for o in odds)
    return nodes, rels


def network() -> tuple[list[Node], list[Relationship]]:
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for line, r in _rows("organisations.csv"):
        if r["key"] in SAME_AS:
            continue
        nodes.append(Node(key=f"organisation:{r['key']}", name=r["name"],
                          provenance=_prov("organisations.csv", line, r),
                          props={"acronym": r["acronym"] or None, "category": r["kind"],
                                 "category_fr": ORGANISATION_CATEGORY.get(r["kind"], r["kind"]),
                                 "description": r["what_the_source_says"]}))
    for line, r in _rows("rrma.csv"):
        key = "organisation:" + slugify(r["rrma_name"])
        if any(n.key == key for n in nodes):
            continue
        nodes.append(Node(key=key, name=r["rrma_name"], provenance=Provenance(
            source=r["evidence_url"] + f" — ingest/reference/data/rrma.csv:{line}",
            licence=r["licence"]), props={
            "category": "rrma", "category_fr": ORGANISATION_CATEGORY["rrma"],
            "region_name": r["region_name"], "region_insee": r["region_code_insee"],
            "website": r["website_seen_in_stored_pages"] or None,
            "description": r["evidence_note"]}))
    for line, r in _rows("programmes.csv"):
        p = _prov("programmes.csv", line, r)
        key = f"programme:{r['key']}"
        nodes.append(Node(key=key, name=r["name"], provenance=p, props={
            "category": r["kind"], "description": r["what_the_source_says"]}))
        for partner in (x.strip() for x in r["partners_named"].split(";") if x.strip()):
            if partner == "so-cooperation":
                rels.append(Relationship(type=RelType.ANIMATES,
                                         start="organisation:so-cooperation", end=key,
                                         provenance=p))
            elif partner in SAME_AS:
                rels.append(Relationship(type=RelType.PARTICIPATES_IN, start=SAME_AS[partner],
                                         end=key, props={"role": "partner"}, provenance=p))
            else:
                rels.append(Relationship(type=RelType.RUNS, start=f"organisation:{partner}",
                                         end=key, provenance=p))
        rels_, nodes_ = _geographic_calls(key, r["what_the_source_says"], p)
        rels.extend(rels_)
        nodes.extend(n for n in nodes_ if all(n.key != m.key for m in nodes))
    # SO Coopération is a member of the CIRRMA (organisations.csv says so).
    rels.append(Relationship(type=RelType.MEMBER_OF, start="organisation:so-cooperation",
                             end="organisation:cirrma",
                             provenance=Provenance(source="https://www.horizons-solidaires.org/"
                                                  "actualite/communique-la-conference-"
                                                  "interregionale-des-rrma-est-nee/",
                                                  licence="faits paraphrasés de pages publiques")))
    return nodes, rels


def _geographic_calls(programme: str, text: str,
                      prov: Provenance) -> tuple[list[Relationship], list[Node]]:
    """« appels … géographiques (Sénégal, Liban, …, Québec) »: the call covers those places."""
    match = re.search(r"géographiques \(([^)]*)\)", text)
    if not match:
        return [], []
    by_name = {clean(r["nom"]): r["alpha2"] for _, r in _rows("countries.csv")}
    by_name.update({clean(r["nom_iso"]): r["alpha2"] for _, r in _rows("countries.csv")})
    rels: list[Relationship] = []
    nodes: list[Node] = []
    for place in (x.strip() for x in match[1].split(",")):
        iso = by_name.get(clean(place))
        if iso:
            rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=programme,
                                     end=f"country:{iso}", provenance=prov))
        elif clean(place) == "quebec":
            # A province, not a country: the call covers the territory of Québec (Canada).
            nodes.append(Node(key="territory:ca-quebec", name="Québec", provenance=prov,
                              props={"country": "CA", "level": "province"}))
            rels.append(Relationship(type=RelType.LOCATED_IN, start="territory:ca-quebec",
                                     end="country:CA", provenance=prov))
            rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=programme,
                                     end="territory:ca-quebec", provenance=prov))
            rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=programme,
                                     end="country:CA", provenance=prov))
    return rels, nodes


def reference_records(regions: set[str] | None = None) -> tuple[list[Node], list[Relationship]]:
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for part in (geography(regions=regions), vocabularies(), network()):
        nodes.extend(part[0])
        rels.extend(part[1])
    return nodes, rels


FACTS_LICENCE = "faits paraphrasés de pages publiques (voir la source de chaque relation)"


def load_reference(store: GraphStore, home: str = HOME_REGION, regional: bool = False
                   ) -> tuple[UpsertSummary, ImportReport, ImportReport | None]:
    """Load the bundled reference data, then the 297 facts and the Wikidata twinnings
    through the import path, in one unit of work. ``regional``: the home région's
    geography and facts only, without the national twinnings (a light store)."""
    from ingest.importer import import_file, resolvers_for
    from ingest.templates import WIKIDATA

    nodes, rels = reference_records({home} if regional else None)
    # 40,000 records: the audit counts them, it does not keep copies (not undoable)
    with store.audited("reference", label="données de référence", images=False):
        empty = store.count_nodes() == 0
        summary = store.upsert_nodes(nodes, batch_size=1000)
        summary += store.upsert_relationships(rels, batch_size=1000)
        # into an empty store, what was written is all there is: not read back
        resolvers = resolvers_for(store, home, nodes if empty else None)
        report = import_file(store, FACTS, licence=FACTS_LICENCE, partial=False,
                             display_name="na_relations.csv", home=home, resolvers=resolvers)
        # the facts added places and partners, not geography nor countries, all that the
        # twinnings are read against: the same resolvers serve (no second read of France)
        twinnings = None if regional else import_file(
            store, TWINNINGS, template=WIKIDATA, partial=False, display_name=TWINNINGS.name,
            home=home, resolvers=resolvers)
    return summary, report, twinnings
