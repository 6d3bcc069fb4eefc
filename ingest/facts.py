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
    normalize,
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
    r"^(commune rurale|commune urbaine|ville|commune|municipalite|mairie|departement|province|"
    r"region|district|comte|cercle|"
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
    # Nodes the row is about (created or updated), unlike those it merely mentions.
    primary: list[Node] = field(default_factory=list)


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


def check_cells(row: dict[str, str], result: RowResult, file: str,
                required: tuple[str, ...]) -> None:
    """Checks every template shares: no spreadsheet formula, required values present."""
    for column, value in row.items():
        if value.startswith("="):
            result.errors.append(RowError(
                file=file, line=result.line, column=column,
                reason="formule de tableur refusée (la cellule doit contenir une valeur)"))
    for column in required:
        if not row.get(column, "").strip():
            result.errors.append(RowError(file=file, line=result.line, column=column,
                                          reason="valeur obligatoire"))


def resolve_countries(text: str, resolvers: Resolvers, result: RowResult, file: str,
                      column: str = "pays") -> list[str]:
    countries: list[str] = []
    for part in re.split(r"[;,/]", text):
        if part.strip():
            country = resolvers.countries.resolve(part)
            if country is None:
                result.errors.append(RowError(
                    file=file, line=result.line, column=column,
                    reason=f"pays « {part.strip()} » inconnu (nom français ou anglais, "
                           "ou code ISO à deux lettres)"))
            elif country not in countries:
                countries.append(country)
    return countries


def convert(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
            licence: str, code_override: str | None = None) -> RowResult:
    """Validate and resolve one row; build its records or say why it cannot be."""
    name = row.get("collectivite", "").strip()
    result = RowResult(line=line, name=name, row=dict(row))

    def error(column: str, reason: str) -> None:
        result.errors.append(RowError(file=file, line=line, column=column, reason=reason))

    check_cells(row, result, file, ("collectivite",))
    kind = relation_kind(row.get("type_relation", ""))
    if kind is None:
        error("type_relation", f"type « {row.get('type_relation', '')} » inconnu ; attendu : "
              + ", ".join(RELATION_TYPES))
    partner = row.get("partenaire", "").strip()
    if not partner:
        error("partenaire", "valeur obligatoire")
    countries = resolve_countries(row.get("pays", ""), resolvers, result, file)
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
        elif (_NOT_NAMED.search(normalize(partner)) or len(countries) > 1
              or not foreign_slug(partner)[0]):
            # The page names no partner authority: the relation is with the country.
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


ORG_CATEGORIES = {"reseau": "reseau", "association": "association", "agence": "agence",
                  "agence de l'eau": "agence_eau", "agence_eau": "agence_eau",
                  "ministere": "ministere", "instance": "instance", "universite": "universite",
                  "entreprise": "entreprise", "autre": "autre", "rrma": "rrma",
                  "collectivite etrangere": "autre", "fondation": "association"}
ROLES_FR = {"chef de file": "lead", "chef-de-file": "lead", "pilote": "lead", "lead": "lead",
            "partenaire": "partner", "membre": "partner", "partner": "partner",
            "financeur": "funder", "funder": "funder", "technique": "technical",
            "appui technique": "technical", "operateur": "operator", "opérateur": "operator"}


def convert_organisation(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
                         licence: str, code_override: str | None = None) -> RowResult:
    """A row of the « organisations » template: one organisation, created or updated."""
    name = row.get("nom", "").strip()
    result = RowResult(line=line, name=name, row=dict(row))
    check_cells(row, result, file, ("nom",))
    category_text = clean(row.get("categorie", ""))
    category = ORG_CATEGORIES.get(category_text, "autre" if category_text else UNKNOWN_CATEGORY)
    countries = resolve_countries(row.get("pays", ""), resolvers, result, file)
    if result.errors:
        return result
    known = [k for k in resolvers.partners.mentioned(name) if k.startswith("organisation:")]
    acronym = row.get("sigle", "").strip()
    exact = [k for k in known if clean(resolvers.partners.nodes[k].name) == clean(name)]
    key = exact[0] if exact else f"organisation:{slugify(acronym or name)[:80]}"
    prov = Provenance(source=row.get("source", "").strip() or f"{file}:{line}", licence=licence)
    result.primary.append(Node(key=key, name=name, provenance=prov, props={
        "acronym": acronym or None, "category": category,
        "description": row.get("description", "").strip() or None,
        "website": row.get("site", "").strip() or None,
        "country": countries[0].split(":")[1] if countries else None}))
    for country in countries:
        result.rels.append(Relationship(type=RelType.LOCATED_IN, start=key, end=country,
                                        provenance=prov))
    result.collectivite, result.confidence = key, 1.0
    return result


def _members(text: str) -> list[tuple[str, str]]:
    """« Ville de Poitiers (chef de file); CA de La Rochelle » → [(name, role), …].

    >>> _members("Ville de Poitiers (chef de file); CA de La Rochelle")
    [('Ville de Poitiers', 'lead'), ('CA de La Rochelle', 'partner')]
    """
    out = []
    for part in (p.strip() for p in re.split(r"[;\n]", text) if p.strip()):
        match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", part)
        name, role = (match[1], ROLES_FR.get(clean(match[2]), "partner")) if match else (part,
                                                                                        "partner")
        out.append((name.strip(), role))
    return out


def convert_project(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
                    licence: str, code_override: str | None = None) -> RowResult:
    """A row of the « projets » template: the project, its members with roles, places,
    themes, ODD and funders."""
    title = row.get("projet", "").strip()
    result = RowResult(line=line, name=title, row=dict(row))
    check_cells(row, result, file, ("projet", "membres"))
    countries = resolve_countries(row.get("pays", ""), resolvers, result, file)
    try:
        period = parse_period(row.get("periode", ""))
    except ValueError as exc:
        result.errors.append(RowError(file=file, line=line, column="periode", reason=str(exc)))
        period = None
    budget_text = row.get("budget", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    budget = None
    if budget_text:
        try:
            budget = float(budget_text.replace(",", "."))
        except ValueError:
            result.errors.append(RowError(file=file, line=line, column="budget",
                                          reason=f"montant « {row.get('budget')} » illisible"))
    odds = []
    for part in re.split(r"[;,\s]+", row.get("odd", "")):
        if part.strip():
            if not part.strip().isdigit() or not 1 <= int(part) <= 17:
                result.errors.append(RowError(file=file, line=line, column="odd",
                                              reason=f"ODD « {part} » inconnu (1 à 17)"))
            else:
                odds.append(f"odd:{int(part)}")
    if result.errors or period is None:
        return result
    members: list[tuple[str, str]] = []
    for name, role in _members(row.get("membres", "")):
        resolution = resolvers.collectivites.resolve(name)
        if not resolution.resolved:
            result.review_key = review_key({"collectivite": name, "partenaire": title})
            result.candidates = resolution.candidates
            result.review_reason = f"membre « {name} » : {resolution.reason}"
            result.name = name
            return result
        assert resolution.key is not None
        members.append((resolution.key, role))
    iso = countries[0].split(":")[1].lower() if countries else "xx"
    key = f"project:{iso}-{slugify(title)[:80]}"
    prov = Provenance(source=row.get("source", "").strip() or f"{file}:{line}", licence=licence)
    result.primary.append(Node(key=key, name=title, provenance=prov, props={
        "status": row.get("statut", "").strip() or None, "since": period.since,
        "until": period.until, "period": period.raw or None, "budget": budget,
        "description": row.get("description", "").strip() or None,
        "countries": [c.split(":")[1] for c in countries] or None}))
    for country in countries:
        result.rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=key, end=country,
                                        provenance=prov))
    for part in (p.strip() for p in row.get("partenaire_etranger", "").split(";") if p.strip()):
        if not countries:
            result.errors.append(RowError(file=file, line=line, column="pays",
                                          reason="pays requis pour situer le partenaire étranger"))
            return result
        slug, level = foreign_slug(part)
        territory = f"territory:{iso}-{slug}"
        result.nodes.append(Node(key=territory, name=part, provenance=prov,
                                 props={"country": iso.upper(), "level": level}))
        result.rels.append(Relationship(type=RelType.LOCATED_IN, start=territory,
                                        end=countries[0], provenance=prov))
        result.rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=key, end=territory,
                                        provenance=prov))
    for theme in theme_keys(row.get("thematique", "")):
        result.rels.append(Relationship(type=RelType.ADDRESSES, start=key, end=f"theme:{theme}",
                                        provenance=prov))
    for odd in odds:
        result.rels.append(Relationship(type=RelType.ADDRESSES, start=key, end=odd,
                                        provenance=prov))
    for actor, role in members:
        result.rels.append(Relationship(type=RelType.PARTICIPATES_IN, start=actor, end=key,
                                        props={"role": role}, provenance=prov))
    for funder in (p.strip() for p in row.get("financeurs", "").split(";") if p.strip()):
        _link_named(result, resolvers, key, funder, NodeKind.ORGANISATION, RelType.FUNDED_BY,
                    prov)
    programme = row.get("programme", "").strip()
    if programme:
        _link_named(result, resolvers, key, programme, NodeKind.PROGRAMME, RelType.PART_OF, prov)
    lead = next((a for a, r in members if r == "lead"), members[0][0] if members else None)
    result.collectivite, result.confidence = lead, 1.0
    return result


def _link_named(result: RowResult, resolvers: Resolvers, start: str, text: str,
                kind: NodeKind, rel_type: RelType, prov: Provenance) -> None:
    """Link ``start`` to the known partners ``text`` names, or to a new one of ``kind``."""
    targets = [k for k in resolvers.partners.mentioned(text) if kind is NodeKind.ORGANISATION
               or k.startswith(f"{kind.value}:")] or [f"{kind.value}:{slugify(text)[:80]}"]
    for target in targets:
        if target not in resolvers.partners.nodes:
            result.nodes.append(Node(key=target, name=text, provenance=prov,
                                     props={"category": UNKNOWN_CATEGORY}))
        result.rels.append(Relationship(type=rel_type, start=start, end=target, provenance=prov))


def convert_person(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
                   licence: str, code_override: str | None = None) -> RowResult:
    """A row of the « personnes » template: a person working for a collectivité or an
    organisation. Contact data is kept but never shown in reports unless asked for."""
    name = row.get("nom", "").strip()
    structure = row.get("structure", "").strip()
    result = RowResult(line=line, name=structure, row=dict(row))
    check_cells(row, result, file, ("nom", "structure"))
    email = row.get("email", "").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        result.errors.append(RowError(file=file, line=line, column="email",
                                      reason=f"adresse « {email} » invalide"))
    if result.errors:
        return result
    employer = code_override
    if employer is None:
        resolution = resolvers.collectivites.resolve(structure)
        employer = resolution.key
        if employer is None:
            known = resolvers.partners.mentioned(structure)
            if len(known) == 1:
                employer = known[0]
            else:
                result.review_key = review_key({"collectivite": structure, "partenaire": name})
                result.candidates = resolution.candidates or known
                result.review_reason = f"structure « {structure} » : {resolution.reason}"
                return result
    prov = Provenance(source=row.get("source", "").strip() or f"{file}:{line}", licence=licence)
    key = f"person:{slugify(name)}-{slugify(employer.split(':', 1)[1])}"[:200]
    result.primary.append(Node(key=key, name=name, provenance=prov, props={
        "function": row.get("fonction", "").strip() or None, "email": email or None,
        "telephone": row.get("telephone", "").strip() or None}))
    result.rels.append(Relationship(type=RelType.WORKS_FOR, start=key, end=employer,
                                    props={"function": row.get("fonction", "").strip() or None},
                                    provenance=prov))
    result.collectivite, result.confidence = employer, 1.0
    return result


CONVERTERS = {"actions": convert, "organisations": convert_organisation,
              "projets": convert_project, "personnes": convert_person}
