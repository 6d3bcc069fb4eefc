"""Twinnings from Wikidata (property P190, « twinned administrative body »).

The rows are those of the query beside the bundled extract
(``wikidata_p190_france_2017.sparql``): a French town (English label, coordinates,
population) and its sister town (label, coordinates, population, country in English).
There is no INSEE code, so the French side is resolved by name against every commune of
France, former and delegated communes included (a pre-merger name gives today's commune,
and says so). Homonyms are settled by where the town lies, that is the département whose
towns in the same file lie closest, then by population. The sister town is a foreign place
in its country (from the English country name), or a French commune (a domestic
twinning). Each row is one attestation: a pair the store already knows keeps its relation
and gains a source, it never gets a second relation.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from graph.attestations import attesting
from graph.model import Node, NodeKind, Provenance, Relationship, RelType, relationship_key
from ingest.errors import RowError
from ingest.merge import SAME_PLACE_KM, distance_km, position
from ingest.resolve import Entry, _compact, _no_article, clean
from ingest.rows import Resolvers, RowResult, check_cells, collect
from ingest.text import foreign_slug

if TYPE_CHECKING:
    from graph.store import GraphStore

KEY = "wikidata-p190"
LICENCE = "CC0 1.0 (Wikidata)"
#: What every relation made from this file says in its own words.
STATEMENT = "{fr} et {sister} ({country}) : villes jumelles selon Wikidata (propriété P190)."

#: Wikidata's English country labels that are not the English names of the bundled table.
#: « Prussia » and other former states are left to review.
COUNTRY_LABELS = {
    "czech republic": "CZ", "vietnam": "VN", "taiwan": "TW", "south korea": "KR",
    "north korea": "KP", "syria": "SY", "palestine": "PS", "palestinian territories": "PS",
    "palestinian national authority": "PS", "state of palestine": "PS", "kosovo": "XK",
    "venezuela": "VE", "bolivia": "BO", "ivory coast": "CI", "republic of the congo": "CG",
    "democratic republic of the congo": "CD", "united states of america": "US",
    "people's republic of china": "CN", "turkey": "TR", "russia": "RU",
    "republic of macedonia": "MK", "north macedonia": "MK", "moldova": "MD", "iran": "IR",
    "tanzania": "TZ", "laos": "LA", "the gambia": "GM", "kingdom of the netherlands": "NL",
    "cape verde": "CV", "east timor": "TL", "eswatini": "SZ", "swaziland": "SZ",
}
#: A homonym is settled by place when the nearest département lies within this distance
#: (km) of the town and the next one at least twice as far.
PLACE_RADIUS_KM = 120.0
#: ... or by population when one candidate is within this ratio and the next far beyond.
POPULATION_RATIO = 1.6
#: How alike a sister town's name and a known place of its French twin must be to be one.
SAME_NAME = 80


@dataclass(frozen=True)
class Town:
    label: str
    lat: float | None
    lon: float | None
    population: int | None


@dataclass
class Place:
    key: str
    names: set[str]
    lat: float | None
    lon: float | None


@dataclass
class Known:
    """What the store and the file already say, gathered once for the whole file."""

    #: median position of the towns of each département resolved without doubt
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: foreign places by country (those of the store, then those the file adds)
    places: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    #: twinnings already known: (commune, place) → the relation's key
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)
    #: the foreign places each commune is twinned with, by country
    twins: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))


def _number(row: dict[str, str], column: str, result: RowResult, file: str,
            integer: bool = False) -> float | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value) or math.isinf(value) or (integer and value < 0):
        result.errors.append(RowError(file=file, line=result.line, column=column,
                                      reason=f"nombre attendu, lu « {text[:40]} »"))
        return None
    return value


def _town(row: dict[str, str], side: str, result: RowResult, file: str) -> Town:
    lat = _number(row, f"lat_{side}", result, file)
    lon = _number(row, f"lon_{side}", result, file)
    for column, value, bound in ((f"lat_{side}", lat, 90), (f"lon_{side}", lon, 180)):
        if value is not None and abs(value) > bound:
            result.errors.append(RowError(file=file, line=result.line, column=column,
                                          reason=f"coordonnée hors bornes ({value})"))
    population = _number(row, f"population_{side}", result, file, integer=True)
    label = row.get("ville_fr" if side == "fr" else "ville_jumelle", "").strip()
    return Town(label, lat, lon, int(population) if population is not None else None)


def _entries(resolvers: Resolvers, label: str) -> set[Entry]:
    table = resolvers.collectivites.exact[NodeKind.COMMUNE]
    core = clean(label)
    found: set[Entry] = set()
    for variant in {core, _compact(core), _no_article(core), clean(label.split(",")[0])}:
        found |= table.get(variant, set())
    return found


def _departement(resolvers: Resolvers, key: str) -> str:
    return str(resolvers.collectivites.nodes[key].props.get("departement", ""))


def resolve_town(town: Town, resolvers: Resolvers, known: Known
                 ) -> tuple[str | None, list[str], str]:
    """The commune a French town of the file is: (key, candidates, how or why not).

    Today's names first; a former or delegated commune's name gives the commune it
    belongs to now. Several communes of that name: the one whose département lies
    nearest the town's coordinates, or else whose population is that of the town."""
    found = _entries(resolvers, town.label)
    current = {e for e in found if not e.former}
    pool = current or found
    keys = sorted({e.key for e in pool})
    if not keys:
        return _leading(town, resolvers, known)
    former_name = not current
    if len(keys) == 1:
        key = keys[0]
        if former_name:
            return key, keys, (f"ancien nom : « {town.label} » est une commune déléguée ou "
                               f"associée de {resolvers.collectivites.nodes[key].name}")
        return key, keys, "nom"
    named = _named_departement(town.label, keys, resolvers)
    if named is not None:  # « Le Pont-de-Beauvoisin, Savoie »: the label says which
        return named, keys, (f"homonymes départagés par le nom : département "
                             f"{_departement(resolvers, named)}")
    if town.lat is not None and town.lon is not None:
        far = {k: distance_km((town.lat, town.lon), known.centroids[d])
               for k in keys if (d := _departement(resolvers, k)) in known.centroids}
        ranked = sorted(far, key=lambda k: (far[k], k))
        if ranked and far[ranked[0]] <= PLACE_RADIUS_KM and (
                len(ranked) == 1 or far[ranked[1]] >= 2 * far[ranked[0]]) and \
                len(ranked) == len(keys):
            key = ranked[0]
            return key, keys, (f"homonymes départagés par le lieu : département "
                               f"{_departement(resolvers, key)} à {far[key]:.0f} km")
    if town.population:
        ratio: dict[str, float] = {}
        for k in keys:
            pop = resolvers.collectivites.nodes[k].props.get("population")
            if isinstance(pop, int) and pop > 0:
                ratio[k] = max(pop, town.population) / min(pop, town.population)
        ranked = sorted(ratio, key=lambda k: (ratio[k], k))
        if ranked and ratio[ranked[0]] <= POPULATION_RATIO and (
                len(ranked) == 1 or ratio[ranked[1]] > 4 * POPULATION_RATIO):
            return ranked[0], keys, "homonymes départagés par la population"
    return None, keys, (f"homonymes : {len(keys)} communes portent ce nom, ni le lieu ni la "
                        "population ne les départagent")


def _named_departement(label: str, keys: list[str], resolvers: Resolvers) -> str | None:
    """The one homonym whose département the label names after a comma, if any."""
    _, comma, rest = label.partition(",")
    wanted = clean(rest)
    nodes = resolvers.collectivites.nodes
    hits = [k for k in keys if comma and wanted and clean(getattr(
        nodes.get(f"departement:{_departement(resolvers, k)}"), "name", "")) == wanted]
    return hits[0] if len(hits) == 1 else None


def _leading(town: Town, resolvers: Resolvers, known: Known
             ) -> tuple[str | None, list[str], str]:
    """« Cherbourg » for Cherbourg-en-Cotentin: the one commune whose name begins with the
    town's (a merger lengthened it), where the town lies when its département is placed."""
    core = clean(town.label)
    keys = sorted({choice.split("|")[0] for choice, name
                   in resolvers.collectivites.choices[NodeKind.COMMUNE].items()
                   if len(core) >= 4 and name.startswith(core + " ")})
    if len(keys) == 1:
        key = keys[0]
        where = known.centroids.get(_departement(resolvers, key))
        if town.lat is None or town.lon is None or where is None or \
                distance_km((town.lat, town.lon), where) <= PLACE_RADIUS_KM:
            return key, keys, (f"début du nom : {resolvers.collectivites.nodes[key].name} "
                               "(nom allongé par une fusion ?)")
    return None, keys[:5], "aucune commune de France ne porte ce nom (ni ancienne commune)"


def prepare(rows: list[dict[str, str]], resolvers: Resolvers,
            store: GraphStore | None) -> dict[str, Known]:
    """Gather once what the rows are read against: where each département lies (from
    the towns of this file that only one commune can be) and the known foreign places
    and twinnings."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        for side in ("fr", "jumelle"):
            if side == "jumelle" and clean(row.get("pays_jumelle", "")) != "france":
                continue
            label = row.get(f"ville_{side}", "")
            keys = {e.key for e in _entries(resolvers, label) if not e.former}
            try:
                lat, lon = float(row.get(f"lat_{side}", "")), float(row.get(f"lon_{side}", ""))
            except ValueError:
                continue
            if len(keys) == 1 and abs(lat) <= 90 and abs(lon) <= 180:
                points[_departement(resolvers, keys.pop())].append((lat, lon))
    known = Known(centroids={d: (median(p[0] for p in pts), median(p[1] for p in pts))
                             for d, pts in points.items()})
    if store is None:
        return {"known": known}
    places = collect(store, (NodeKind.TERRITORY,))
    for node in places:
        country = str(node.props.get("country", ""))
        aliases = node.props.get("aliases")
        names = {_core(node.name), *(_core(str(a)) for a in aliases or [])} \
            if isinstance(aliases, list) else {_core(node.name)}
        if node.props.get("wikidata"):  # a place Wikidata gave no label: its item names it
            names.add(_core(str(node.props["wikidata"])))
        at = position(node)
        known.places[country].append(Place(node.key, names, *(at or (None, None))))
        for link in store.neighbours(node.key, types=[RelType.TWINNED_WITH.value],
                                     direction="in"):
            rel = link.relationship
            known.pairs.setdefault((rel.start, rel.end), rel.key)
            known.twins[rel.start][country].add(rel.end)
    return {"known": known}


#: English labels that qualify a place (« Kaya, Burkina Faso », « Garango Department »):
#: the place is the same one, as « Ville de Banfora » is Banfora at import.
_QUALIFIED = re.compile(r",.*$|\s+(department|region|municipality|province|district|"
                        r"prefecture)$", re.IGNORECASE)


def _core(name: str) -> str:
    """What names one place.

    >>> _core("Ville de Banfora"), _core("Kaya, Burkina Faso"), _core("Garango Department")
    ('banfora', 'kaya', 'garango')
    """
    return foreign_slug(_QUALIFIED.sub("", name.strip()) or name)[0]


def _country(label: str, resolvers: Resolvers) -> str | None:
    iso = COUNTRY_LABELS.get(clean(label))
    return resolvers.countries.resolve(iso or label)


def _place(town: Town, iso: str, commune: str, known: Known
           ) -> tuple[str, bool, str]:
    """The foreign place a sister town is: (key, new, why). A known place of that name
    in that country (the same one when both have coordinates and lie close); a place
    the French town already twins with under a close name (« Yaroslavl » is its
    « Iaroslavl »); else a new place."""
    name = _core(town.label)
    here = (town.lat, town.lon) if town.lat is not None and town.lon is not None else None
    same_name = [p for p in known.places[iso] if name in p.names]
    for place in same_name:
        if here is None or place.lat is None or place.lon is None or \
                distance_km(here, (place.lat, place.lon)) <= SAME_PLACE_KM:
            return place.key, False, "lieu connu"
    for key in sorted(known.twins[commune][iso]):
        place = next(p for p in known.places[iso] if p.key == key)
        if any(fuzz.ratio(name.replace("-", " "), n.replace("-", " ")) >= SAME_NAME
               for n in place.names):
            return key, False, "lieu déjà jumelé sous un nom proche"
    slug = name or "lieu"
    key = f"territory:{iso.lower()}-{slug}"
    taken = {p.key for p in known.places[iso]}
    suffix = 2
    while key in taken:  # a homonym elsewhere in the country
        key = f"territory:{iso.lower()}-{slug}-{suffix}"
        suffix += 1
    known.places[iso].append(Place(key, {name}, town.lat, town.lon))
    return key, True, "nouveau lieu"


def _extract_year(file: str) -> int | None:
    """The year of the extract, when its file name says it (« …_2017.tsv »)."""
    year = re.search(r"(?<!\d)(19|20)\d\d(?!\d)", file)
    return int(year[0]) if year else None


def _source(file: str) -> str:
    year = _extract_year(file)
    return f"Wikidata (CC0), P190, extrait {year}" if year else f"Wikidata (CC0), P190 ({file})"


def convert_twinning(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
                     licence: str, code_override: str | None = None,
                     known: Known | None = None) -> RowResult:
    """One row of a Wikidata P190 extract → a twinning, with its attestation."""
    known = known or Known()
    result = RowResult(line=line, name=row.get("ville_fr", "").strip(), row=dict(row))
    check_cells(row, result, file, ("ville_fr", "ville_jumelle", "pays_jumelle"))
    french, sister = _town(row, "fr", result, file), _town(row, "jumelle", result, file)
    if result.errors:
        return result
    candidates: list[str] = []
    if code_override:
        commune, how = resolvers.collectivites.by_official_code(code_override), "arbitré"
        if commune is None:
            result.errors.append(RowError(file=file, line=line, column="ville_fr",
                                          reason=f"code « {code_override} » inconnu"))
            return result
    else:
        commune, candidates, how = resolve_town(french, resolvers, known)
    country_label = row.get("pays_jumelle", "").strip()
    country = _country(country_label, resolvers)
    same = "|".join(clean(x) for x in (KEY, french.label, sister.label, country_label))
    result.review_key = "review:" + hashlib.sha1(same.encode()).hexdigest()[:16]
    if commune is None or country is None:
        result.candidates = candidates
        result.review_reason = how if commune is None else (
            f"pays « {country_label} » absent du référentiel des pays (ISO 3166) : État "
            "disparu ou non listé")
        return result
    result.collectivite, result.confidence = commune, 1.0
    if how != "nom":
        result.note = how
    source = _source(file)
    prov = Provenance(source=source, licence=licence)
    iso = country.split(":")[1]
    if iso == "FR":
        other, others, why = resolve_town(sister, resolvers, known)
        if other is None:
            result.collectivite, result.candidates = None, others
            result.review_reason = f"ville jumelle française : {why}"
            return result
        start, end = sorted((commune, other))
    else:
        end, new, _ = _place(sister, iso, commune, known)
        start = commune
        if new:
            props = {"country": iso, "lat": sister.lat, "lon": sister.lon,
                     "population": sister.population, "name_lang": "en"}
            shown = sister.label
            if re.fullmatch(r"Q\d+", shown):  # Wikidata gave no label, only its item
                props["wikidata"] = shown
                shown = f"lieu sans libellé dans Wikidata ({shown})"
            result.nodes.append(Node(key=end, name=shown, provenance=prov,
                                     props={k: v for k, v in props.items() if v is not None}))
            result.rels.append(Relationship(type=RelType.LOCATED_IN, start=end, end=country,
                                            provenance=prov))
    key = known.pairs.get((start, end)) or relationship_key(start, RelType.TWINNED_WITH, end,
                                                            KEY)
    statement = STATEMENT.format(fr=french.label, sister=sister.label, country=country_label)
    result.rels.append(Relationship(
        key=key, type=RelType.TWINNED_WITH, start=start, end=end, provenance=prov,
        props=attesting({"relation": "jumelage", "countries": [iso],
                         "partner_label": sister.label, "statement": statement,
                         "origin": f"{file}:{line}",
                         # the extract lists the twinning in its year: a mention, not a
                         # start date
                         "seen": [year] if (year := _extract_year(file)) else None}, prov)))
    known.twins[commune][iso].add(end)
    return result
