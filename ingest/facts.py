"""One row of the « actions internationales » template → the graph records it states."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from graph.model import (
    Node,
    NodeKind,
    Properties,
    Provenance,
    Relationship,
    RelType,
    relationship_key,
    slugify,
)
from ingest.errors import RowError
from ingest.periods import parse_period
from ingest.resolve import (
    UNKNOWN_CATEGORY,
    CollectiviteResolver,
    CountryResolver,
    PartnerResolver,
    clean,
)
from ingest.templates import RELATION_TYPES
from ingest.themes import theme_keys

KIND_HINTS = {"commune": NodeKind.COMMUNE, "epci": NodeKind.EPCI, "departement": NodeKind.DEPARTEMENT,
              "region": NodeKind.REGION, "intercommunalite": NodeKind.EPCI}
FUNDER_CATEGORIES = {"agence", "agence_eau", "ministere", "dispositif"}
_FOREIGN_PREFIX = re.compile(
    r"^(ville|commune|municipalite|mairie|departement|province|region|district|comte|cercle|"
    r"prefecture|canton|land|county|city|etat|state|conseil regional|conseil departemental|"
    r"communaute urbaine|communaute|intercommunalite|gouvernorat|wilaya|oblast|raion|"
    r"arrondissement)\s+(de\s+la\s+|de\s+l'|du\s+|des\s+|de\s+|d')?")
_NOT_NAMED = re.compile(r"not named|non nomm|non precis|^\(")


@dataclass
class Resolvers:
    collectivites: CollectiviteResolver
    countries: CountryResolver
    partners: PartnerResolver
    settled: dict[str, str] = field(default_factory=dict)


@dataclass
class RowResult:
    line: int
    name: str
    collectivite: str | None = None
    confidence: float = 0.0
    candidates: list[str] = field(default_factory=list)
    review_reason: str = ""
    review_key: str = ""
    errors: list[RowError] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    rels: list[Relationship] = field(default_factory=list)
    row: dict[str, str] = field(default_factory=dict)


def relation_kind(text: str) -> str | None:
    """
    >>> relation_kind("Coopération"), relation_kind("twinning"), relation_kind("vente")
    ('cooperation', 'jumelage', None)
    """
    norm = clean(text)
    for kind, synonyms in RELATION_TYPES.items():
        if norm in synonyms:
            return kind
    return None


def review_key(row: dict[str, str]) -> str:
    """Same fact, same review item, whatever the file or line it comes from."""
    parts = [clean(row.get(c, "")) for c in ("collectivite", "departement", "type_collectivite",
                                              "type_relation", "partenaire", "pays", "periode")]
    return "review:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def foreign_slug(name: str) -> tuple[str, str | None]:
    """Key part and level of a foreign local authority.

    >>> foreign_slug("Province de la Comoé")
    ('comoe', 'province')
    >>> foreign_slug("Marburg")
    ('marburg', None)
    """
    cleaned = clean(name)
    match = _FOREIGN_PREFIX.match(cleaned)
    level = match[1] if match else None
    core = _FOREIGN_PREFIX.sub("", cleaned, count=1) if match else cleaned
    return slugify(core) or slugify(cleaned), level


def convert(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
            licence: str, code_override: str | None = None) -> RowResult:
    """Validate and resolve one row; build its records or say why it cannot be."""
    name = row.get("collectivite", "").strip()
    result = RowResult(line=line, name=name, row=dict(row))

    def error(column: str, reason: str) -> None:
        result.errors.append(RowError(file=file, line=line, column=column, reason=reason))

    for column, value in row.items():
        if value.startswith("="):
            error(column, "formule de tableur refusée (la cellule doit contenir une valeur)")
    if not name:
        error("collectivite", "valeur obligatoire")
    kind = relation_kind(row.get("type_relation", ""))
    if kind is None:
        error("type_relation", f"type « {row.get('type_relation', '')} » inconnu ; attendu : "
              + ", ".join(RELATION_TYPES))
    partner = row.get("partenaire", "").strip()
    if not partner:
        error("partenaire", "valeur obligatoire")
    countries: list[str] = []
    for part in re.split(r"[;,/]", row.get("pays", "")):
        if part.strip():
            country = resolvers.countries.resolve(part)
            if country is None:
                error("pays", f"pays « {part.strip()} » inconnu (nom français ou anglais, "
                      "ou code ISO à deux lettres)")
            elif country not in countries:
                countries.append(country)
    try:
        period = parse_period(row.get("periode", ""))
    except ValueError as exc:
        error("periode", str(exc))
        period = None
    hint_text = clean(row.get("type_collectivite", ""))
    kind_hint = KIND_HINTS.get(hint_text)
    code = code_override or row.get("code", "").strip()
    if code and not code_override and re.fullmatch(r"[\w:]+", code) is None:
        error("code", f"code « {code} » impossible")
    if result.errors or kind is None or period is None:
        return result

    result.review_key = review_key(row)
    settled = not code and result.review_key in resolvers.settled
    if settled:
        code = resolvers.settled[result.review_key]
    resolution = resolvers.collectivites.resolve(name, code, row.get("departement", ""),
                                                 kind_hint)
    if settled and resolution.resolved:
        resolution.via = "arbitrage"
    if code and not resolution.resolved:
        error("code", resolution.reason or f"code « {code} » inconnu")
        return result
    not_collectivite = bool(hint_text) and hint_text not in KIND_HINTS
    if not_collectivite and resolution.via not in ("code", "arbitrage"):
        # The row itself says the actor is not a collectivité: never resolve it by name.
        resolution = type(resolution)(None, 0.0, candidates=(
            [resolution.key] if resolution.key else resolution.candidates),
            reason="rapprochement par le nom refusé")
    if not resolution.resolved:
        result.candidates = resolution.candidates
        result.review_reason = resolution.reason
        if not_collectivite:
            result.review_reason = (f"« {row.get('type_collectivite')} » n'est pas une "
                                    "collectivité territoriale ; " + resolution.reason)
        return result
    actor = resolution.key
    assert actor is not None
    result.collectivite, result.confidence = actor, resolution.confidence

    source = row.get("source", "").strip() or f"{file}:{line}"
    prov = Provenance(source=source, licence=licence)
    themes = theme_keys(row.get("thematique", ""))
    countries_iso = [c.split(":")[1] for c in countries]
    props: Properties = {
        "relation": kind, "period": period.raw or None, "since": period.since,
        "until": period.until, "years": period.years or None,
        "statement": row.get("description", "").strip() or None,
        "theme_label": row.get("thematique", "").strip() or None,
        "themes": themes or None, "countries": countries_iso or None,
        "partner_label": partner, "origin": f"{file}:{line}",
    }
    # Endpoints, type, period, source and statement identify a fact: the same row imported
    # again gets the same key; two statements of one page stay two relationships.
    discriminator = f"{period.raw}|{source}|{row.get('description', '').strip()}"

    def rel(type_: RelType, start: str, end: str, **extra: str) -> None:
        result.rels.append(Relationship(
            key=relationship_key(start, type_, end, discriminator), type=type_, start=start,
            end=end, props={**props, **extra}, provenance=prov))

    if kind in ("jumelage", "cooperation"):
        rel_type = RelType.TWINNED_WITH if kind == "jumelage" else RelType.COOPERATES_WITH
        known = resolvers.partners.mentioned(partner) if kind == "cooperation" else []
        if known:
            for target in known:
                rel(rel_type, actor, target)
        elif not countries:
            result.review_reason = "pays du partenaire manquant : impossible de situer le partenaire"
            result.collectivite = None
            return result
        elif _NOT_NAMED.search(clean(partner)) or len(countries) > 1:
            for country in countries:
                rel(rel_type, actor, country)
        else:
            for part in [p.strip() for p in partner.split(";") if p.strip()]:
                slug, level = foreign_slug(part)
                iso = countries[0].split(":")[1]
                territory = f"territory:{iso.lower()}-{slug}"
                result.nodes.append(Node(key=territory, name=part, provenance=prov,
                                         props={"country": iso, "level": level}))
                result.rels.append(Relationship(type=RelType.LOCATED_IN, start=territory,
                                                end=countries[0], provenance=prov))
                rel(rel_type, actor, territory)
    elif kind == "projet":
        iso = countries[0].split(":")[1].lower() if countries else "xx"
        project = f"project:{iso}-{slugify(partner)[:80]}"
        result.nodes.append(Node(key=project, name=partner, provenance=prov, props={
            "status": "terminé" if period.until and not period.ongoing else None,
            "since": period.since, "until": period.until,
            "description": row.get("description", "").strip() or None,
            "countries": countries_iso or None}))
        for country in countries:
            result.rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=project,
                                            end=country, provenance=prov))
        for theme in themes:
            result.rels.append(Relationship(type=RelType.ADDRESSES, start=project,
                                            end=f"theme:{theme}", provenance=prov))
        rel(RelType.PARTICIPATES_IN, actor, project, role="partner")
    else:
        targets = resolvers.partners.mentioned(partner)
        if not targets:
            node_kind = NodeKind.PROGRAMME if kind == "programme" else NodeKind.ORGANISATION
            target = f"{node_kind.value}:{slugify(partner)[:80]}"
            result.nodes.append(Node(key=target, name=partner, provenance=prov,
                                     props={"category": UNKNOWN_CATEGORY}))
            targets = [target]
        for target in targets:
            node = resolvers.partners.nodes.get(target)
            category = str(node.props.get("category", "")) if node else ""
            if kind == "financement":
                if category in FUNDER_CATEGORIES:
                    rel(RelType.FUNDED_BY, actor, target)
                elif target.startswith("programme:"):
                    rel(RelType.PARTICIPATES_IN, actor, target, role="funder")
                else:
                    rel(RelType.FUNDED_BY, target, actor)
            elif kind == "programme":
                rel(RelType.PARTICIPATES_IN, actor, target, role="partner")
            elif kind == "adhesion":
                rel(RelType.MEMBER_OF, actor, target)
            else:
                rel(RelType.VOLUNTEERS_WITH, actor, target)
    for theme in themes:
        # One edge per fact, so each theme claim keeps its own source.
        result.rels.append(Relationship(
            key=relationship_key(actor, RelType.ADDRESSES, f"theme:{theme}", discriminator),
            type=RelType.ADDRESSES, start=actor, end=f"theme:{theme}",
            props={"via": partner, "origin": f"{file}:{line}"}, provenance=prov))
    return result
