"""One row of the « actions internationales » template → the graph records it states."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from graph.attestations import attesting
from graph.model import (
    Node,
    NodeKind,
    Properties,
    Provenance,
    Relationship,
    RelType,
    normalize,
    relationship_key,
)
from ingest.context import CONTEXT_COLUMNS, by_departement, by_epci, by_partner
from ingest.errors import RowError
from ingest.joint import co_partner, mentioned_partners, new_structures
from ingest.periods import Period, ended_in, parse_period
from ingest.resolve import (
    clean,
)
from ingest.rows import (
    Resolvers,
    RowResult,
    check_cells,
    new_partner,
    project_key,
    resolve_countries,
    review_key,
)
from ingest.text import foreign_names, foreign_parties, foreign_slug
from ingest.themes import theme_keys

KIND_HINTS = {"commune": NodeKind.COMMUNE, "epci": NodeKind.EPCI, "departement": NodeKind.DEPARTEMENT,
              "region": NodeKind.REGION, "intercommunalite": NodeKind.EPCI}
FUNDER_CATEGORIES = {"agence", "agence_eau", "ministere", "dispositif"}
#: A partner the facts do not know yet, whose name *begins* with a funding body (« MEAE –
#: appel à projets … »): it funds the actor. Only the beginning: « Projet Eau Vive
#: (cofinancement Agence de l'eau) » is a project the actor funds.
FUNDER_NAME = re.compile(r"(ministere|meae|maee|afd|agence de l.eau|appels? a projets|fonds|"
                         r"dctciv|daect)\b")
_NOT_NAMED = re.compile(r"not named|non nomm|non precis|^\(")
#: The kinds of relation a row of « actions internationales » states, with their synonyms.
RELATION_TYPES = {
    "jumelage": ("jumelage", "twinning", "jumele", "jumelee", "jumelage cooperation",
                 "jumelage-cooperation"),
    "cooperation": ("cooperation", "cooperation decentralisee", "partenariat", "accord"),
    "projet": ("projet", "project"),
    "financement": ("financement", "funding", "subvention", "cofinancement"),
    "programme": ("programme", "dispositif", "plateforme"),
    "adhesion": ("adhesion", "membership", "membre", "reseau"),
    "volontariat": ("volontariat", "volunteering", "volontaire", "vsi", "service civique"),
}

#: how each kind is written to the user
RELATION_LABELS = {"jumelage": "jumelage", "cooperation": "coopération", "projet": "projet",
                   "financement": "financement", "programme": "programme",
                   "adhesion": "adhésion", "volontariat": "volontariat"}


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


#: Actor types the bundled facts write in English, as the user reads them.
TYPES_FR = {"other": "autre", "association": "association", "organisation": "organisation",
            "state": "État", "company": "entreprise"}


@dataclass
class _Checked:
    """A row of « actions internationales » whose cells are valid."""

    kind: str
    partner: str
    countries: list[str]
    period: Period
    code: str
    hint: str


#: The numbers of the French départements (metropolitan, Corsica, overseas).
DEPARTEMENT_CODE = re.compile(r"0?[1-9]|[13-8]\d|2[0-9AB]|9[0-5]|97[1-6]")


def _check(row: dict[str, str], result: RowResult, file: str, resolvers: Resolvers,
           code_override: str | None) -> _Checked | None:
    """Cell-level checks; ``None`` (with the errors in ``result``) when the row is bad."""
    def error(column: str, reason: str) -> None:
        result.errors.append(RowError(file=file, line=result.line, column=column, reason=reason))

    check_cells(row, result, file, ("collectivite",))
    kind = relation_kind(row.get("type_relation", ""))
    if kind is None:
        given = row.get("type_relation", "")
        close = difflib.get_close_matches(clean(given), list(RELATION_TYPES), n=1, cutoff=0.8)
        error("type_relation", f"type « {given} » inconnu"
              + (f" (vouliez-vous dire « {RELATION_LABELS[close[0]]} » ?)" if close else "")
              + " ; attendu : " + ", ".join(RELATION_LABELS.values()))
    partner = row.get("partenaire", "").strip()
    if not partner:
        error("partenaire", "valeur obligatoire")
    countries = resolve_countries(row.get("pays", ""), resolvers, result, file)
    period: Period | None = None
    try:
        period = parse_period(row.get("periode", ""))
    except ValueError as exc:
        error("periode", str(exc))
    departement = row.get("departement", "").strip().upper()
    if departement and not DEPARTEMENT_CODE.fullmatch(departement):
        error("departement", f"département « {departement} » inconnu (numéro de 01 à 95, "
              "2A, 2B ou 971 à 976)")
    code = code_override or row.get("code", "").strip()
    if code and not code_override and re.fullmatch(r"[\w:]+", code) is None:
        error("code", f"code « {code} » impossible")
    if result.errors or kind is None or period is None:
        return None
    return _Checked(kind, partner, countries, period, code,
                    clean(row.get("type_collectivite", "")))


def _resolve_actor(row: dict[str, str], result: RowResult, file: str, resolvers: Resolvers,
                   checked: _Checked, code_override: str | None) -> str | None:
    """The collectivité the row is about; ``None`` when it goes to review or is refused."""
    result.review_key = review_key(row)
    code = checked.code
    settled = not code and result.review_key in resolvers.settled
    if settled:
        code = resolvers.settled[result.review_key]
    resolution = resolvers.collectivites.resolve(result.name, code, row.get("departement", ""),
                                                 KIND_HINTS.get(checked.hint))
    if settled and resolution.resolved:
        resolution.via = "arbitrage"
    if code and not resolution.resolved:
        result.errors.append(RowError(file=file, line=result.line, column="code",
                                      reason=resolution.reason or f"code « {code} » inconnu"))
        return None
    not_collectivite = bool(checked.hint) and checked.hint not in KIND_HINTS
    if not resolution.resolved and len(resolution.candidates) > 1 and not not_collectivite:
        picked = _by_context(row, resolvers, checked, resolution.candidates)
        if picked is not None:
            resolution = type(resolution)(picked[0], 0.9, via="contexte")
            result.note = picked[1]
    if not_collectivite and resolution.via not in ("code", "arbitrage"):
        # The row itself says the actor is not a collectivité: never resolve it by name.
        resolution = type(resolution)(None, 0.0, candidates=(
            [resolution.key] if resolution.key else resolution.candidates),
            reason="rapprochement par le nom refusé")
    if not resolution.resolved or resolution.key is None:
        result.candidates = resolution.candidates
        result.review_reason = resolution.reason
        if not_collectivite:
            stated = row.get("type_collectivite", "").strip()
            result.review_reason = (f"« {TYPES_FR.get(clean(stated), stated)} » n'est pas une "
                                    "collectivité territoriale ; " + resolution.reason)
        return None
    result.collectivite, result.confidence = resolution.key, resolution.confidence
    return resolution.key


def _by_context(row: dict[str, str], resolvers: Resolvers, checked: _Checked,
                candidates: list[str]) -> tuple[str, str] | None:
    """A homonym settled by the row's own words or by a partner one candidate already has."""
    nodes = resolvers.collectivites.nodes
    departements = {k.split(":", 1)[1]: n.name for k, n in nodes.items()
                    if k.startswith("departement:")}
    texts = {c: row[c] for c in CONTEXT_COLUMNS if row.get(c, "").strip()}
    # the collectivité's own cell counts too: « Magné (Deux-Sèvres) »
    homonyms = [nodes[c] for c in candidates if c in nodes]
    epcis = {k.split(":", 1)[1]: n.name for k, n in nodes.items() if k.startswith("epci:")}
    found = by_departement(homonyms, departements, texts) or by_epci(homonyms, epcis, texts)
    if found is not None:
        return found
    partners = set(resolvers.partners.mentioned(checked.partner))
    if checked.countries:
        iso = checked.countries[0].split(":")[1].lower()
        for part in foreign_parties(checked.partner):
            name, _ = foreign_names(part)
            if foreign_slug(name)[0]:
                partners.add(f"territory:{iso}-{foreign_slug(name)[0]}")
    return by_partner(candidates, partners, resolvers.ties)


@dataclass
class _Fact:
    """What the records of one valid, resolved row share."""

    result: RowResult
    resolvers: Resolvers
    actor: str
    checked: _Checked
    prov: Provenance
    props: Properties
    discriminator: str

    def rel(self, type_: RelType, start: str, end: str, **extra: str) -> None:
        self.result.rels.append(Relationship(
            key=relationship_key(start, type_, end, self.discriminator), type=type_,
            start=start, end=end, props=attesting({**self.props, **extra}, self.prov),
            provenance=self.prov))


def _places(fact: _Fact) -> bool:
    """A twinning or a cooperation: with a known partner, a foreign authority or, when the
    source names none, the country. ``False`` when the partner cannot be placed."""
    checked, result = fact.checked, fact.result
    countries, partner = checked.countries, checked.partner
    rel_type = RelType.TWINNED_WITH if checked.kind == "jumelage" else RelType.COOPERATES_WITH
    known = fact.resolvers.partners.mentioned(partner) if checked.kind == "cooperation" else []
    if known:
        for target in known:
            fact.rel(rel_type, fact.actor, target)
    elif not countries:
        result.review_reason = "pays du partenaire manquant : impossible de situer le partenaire"
        result.collectivite = None
        return False
    elif (_NOT_NAMED.search(normalize(partner)) or len(countries) > 1
          or not foreign_slug(partner)[0]):
        # The page names no partner authority: the relation is with the country.
        for country in countries:
            fact.rel(rel_type, fact.actor, country)
    else:
        iso = countries[0].split(":")[1]
        for part in foreign_parties(partner):
            name, aliases = foreign_names(part)
            if fact.resolvers.countries.resolve(name, parts=False) == countries[0]:
                # « Burkina Faso (coordination des comités de jumelage) »: the country is
                # the partner, and it has its node; not a foreign authority of that name
                fact.rel(rel_type, fact.actor, countries[0])
                continue
            slug, level = foreign_slug(name)
            territory = f"territory:{iso.lower()}-{slug}"
            result.nodes.append(Node(key=territory, name=name, provenance=fact.prov,
                                     props={"country": iso, "level": level,
                                            "aliases": aliases or None}))
            result.rels.append(Relationship(type=RelType.LOCATED_IN, start=territory,
                                            end=countries[0], provenance=fact.prov))
            fact.rel(rel_type, fact.actor, territory)
    return True


def _project(fact: _Fact, row: dict[str, str], themes: list[str]) -> None:
    checked, result, period = fact.checked, fact.result, fact.checked.period
    countries = checked.countries
    project = project_key(checked.partner, countries, fact.resolvers)
    result.nodes.append(Node(key=project, name=checked.partner, provenance=fact.prov, props={
        "status": "terminé" if period.until and not period.ongoing else None,
        "since": period.since, "until": period.until,
        "description": row.get("description", "").strip() or None,
        "countries": [c.split(":")[1] for c in countries] or None}))
    for country in countries:
        result.rels.append(Relationship(type=RelType.TAKES_PLACE_IN, start=project,
                                        end=country, provenance=fact.prov))
    for theme in themes:
        result.rels.append(Relationship(type=RelType.ADDRESSES, start=project,
                                        end=f"theme:{theme}", provenance=fact.prov))
    fact.rel(RelType.PARTICIPATES_IN, fact.actor, project, role="partner")


def _partner(fact: _Fact) -> None:
    """Funding, programme, membership or volunteering: with known partners, or a new one."""
    kind, partner, result = fact.checked.kind, fact.checked.partner, fact.result
    targets = fact.resolvers.partners.mentioned(partner)
    if not targets:
        new = new_partner(NodeKind.PROGRAMME if kind == "programme"
                          else NodeKind.ORGANISATION, partner, fact.prov,
                          fact.resolvers.partners.keys)
        result.nodes.append(new)
        targets = [new.key]
    for target in targets:
        node = fact.resolvers.partners.nodes.get(target)
        category = str(node.props.get("category", "")) if node else ""
        if kind == "financement":
            if category in FUNDER_CATEGORIES or (node is None and
                                                 FUNDER_NAME.match(normalize(partner))):
                fact.rel(RelType.FUNDED_BY, fact.actor, target)
            elif target.startswith("programme:"):
                fact.rel(RelType.PARTICIPATES_IN, fact.actor, target, role="funder")
            else:
                fact.rel(RelType.FUNDED_BY, target, fact.actor)
        elif kind == "programme":
            fact.rel(RelType.PARTICIPATES_IN, fact.actor, target, role="partner")
        elif kind == "adhesion":
            fact.rel(RelType.MEMBER_OF, fact.actor, target)
        else:
            fact.rel(RelType.VOLUNTEERS_WITH, fact.actor, target)


def convert(row: dict[str, str], line: int, file: str, resolvers: Resolvers,
            licence: str, code_override: str | None = None) -> RowResult:
    """Validate and resolve one row; build its records or say why it cannot be."""
    result = RowResult(line=line, name=row.get("collectivite", "").strip(), row=dict(row))
    checked = _check(row, result, file, resolvers, code_override)
    if checked is None:
        return result
    actor = _resolve_actor(row, result, file, resolvers, checked, code_override)
    if actor is None:
        return result
    source = row.get("source", "").strip() or f"{file}:{line}"
    themes = theme_keys(row.get("thematique", ""))
    unknown = [part.strip() for part in re.split(r"[,;/]| et ", row.get("thematique", ""))
               if part.strip() and not theme_keys(part)]
    if unknown:  # kept in « theme_label », said to the user, not guessed
        said = ", ".join(f"« {part} »" for part in unknown)
        result.note = "; ".join(filter(None, [result.note, f"thème {said} hors du vocabulaire "
                                              "de Maillage : gardé tel quel, sans thème rattaché"]))
    period = checked.period
    props: Properties = {
        "relation": checked.kind, "period": period.raw or None, "since": period.since,
        "until": period.until, "years": period.years or None,
        "ongoing": period.ongoing or None,
        "ended": period.ended or ended_in(row.get("description", "")),
        "statement": row.get("description", "").strip() or None,
        "theme_label": row.get("thematique", "").strip() or None,
        "themes": themes or None, "countries": [c.split(":")[1] for c in checked.countries]
        or None, "partner_label": checked.partner, "origin": f"{file}:{line}",
    }
    # Endpoints, type, period, source and statement identify a fact: the same row imported
    # again gets the same key; two statements of one page stay two relationships.
    discriminator = f"{period.raw}|{source}|{row.get('description', '').strip()}"
    fact = _Fact(result, resolvers, actor, checked, Provenance(source=source, licence=licence),
                 props, discriminator)
    if checked.kind in ("jumelage", "cooperation"):
        if not _places(fact):
            return result
    elif checked.kind == "projet":
        _project(fact, row, themes)
    else:
        _partner(fact)
    named = {r.end for r in result.rels if r.start == actor}
    text = f"{checked.partner} ; {row.get('description', '')}"
    proved, mentioned = mentioned_partners(text, resolvers.partners, named)
    result.rels += [co_partner(actor, key, clause, props, discriminator, fact.prov)
                    for key, clause in proved]
    result.possible = mentioned
    known = [alias for _, alias in resolvers.partners.mentions(text)]
    for name, clause in new_structures(text, known):
        new = new_partner(NodeKind.ORGANISATION, name, fact.prov, resolvers.partners.keys)
        if new.key in named or clean(checked.partner).startswith(clean(name)):
            continue  # the row's own partner, not a co-partner
        result.nodes.append(new)
        result.rels.append(co_partner(actor, new.key, clause, props, discriminator, fact.prov))
    for theme in themes:
        # One edge per fact, so each theme claim keeps its own source.
        result.rels.append(Relationship(
            key=relationship_key(actor, RelType.ADDRESSES, f"theme:{theme}", discriminator),
            type=RelType.ADDRESSES, start=actor, end=f"theme:{theme}",
            props=attesting({"via": checked.partner, "origin": f"{file}:{line}"}, fact.prov),
            provenance=fact.prov))
    return result
