"""Rows of the « organisations », « projets » and « personnes » templates → the graph
records they state. The « actions internationales » template is :mod:`ingest.facts`."""

from __future__ import annotations

import re

from graph.model import Node, NodeKind, Provenance, Relationship, RelType, slugify
from ingest.errors import RowError
from ingest.periods import parse_period
from ingest.resolve import UNKNOWN_CATEGORY, clean
from ingest.rows import (
    Resolvers,
    RowResult,
    check_cells,
    new_partner,
    project_key,
    resolve_countries,
    review_key,
)
from ingest.text import foreign_parties, foreign_slug
from ingest.themes import theme_keys

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
    site = row.get("site", "").strip()
    if site and not re.fullmatch(r"https?://[^\s<>\"'`]+", site):
        if re.fullmatch(r"(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?", site):
            site = "https://" + site.removeprefix("//")  # « www.pseau.org »: a web address
        else:
            result.errors.append(RowError(file=file, line=line, column="site", reason=(
                f"adresse web « {site} » refusée : http:// ou https:// attendu")))
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
        "website": site or None,
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


#: The states of a project as people write them → the one the graph keeps.
PROJECT_STATUSES = {
    **dict.fromkeys(("en preparation", "preparation", "en projet", "idee", "a venir",
                     "prevu", "en montage"), "en préparation"),
    **dict.fromkeys(("en cours", "actif", "active", "ouvert", "en execution"), "en cours"),
    **dict.fromkeys(("termine", "terminee", "acheve", "clos", "cloture", "fini", "ferme"),
                    "terminé"),
}


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
    status_text = row.get("statut", "").strip()
    status = PROJECT_STATUSES.get(clean(status_text)) if status_text else None
    if status_text and status is None:
        result.errors.append(RowError(file=file, line=line, column="statut", reason=(
            f"statut « {status_text} » inconnu : en préparation, en cours ou terminé")))
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
    key = project_key(title, countries, resolvers)
    iso = key.split(":", 1)[1].split("-", 1)[0]
    prov = Provenance(source=row.get("source", "").strip() or f"{file}:{line}", licence=licence)
    result.primary.append(Node(key=key, name=title, provenance=prov, props={
        "status": status, "since": period.since,
        "until": period.until, "period": period.raw or None, "budget": budget,
        "description": row.get("description", "").strip() or None,
        "countries": [c.split(":")[1] for c in countries] or None}))
    for country in countries:
        result.rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=key, end=country,
                                        provenance=prov))
    for part in foreign_parties(row.get("partenaire_etranger", "")):
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
               or k.startswith(f"{kind.value}:")]
    if not targets:
        new = new_partner(kind, text, prov, resolvers.partners.keys)
        result.nodes.append(new)
        targets = [new.key]
    for target in targets:
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


