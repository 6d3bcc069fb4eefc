"""Joint partners: what a statement says beyond its main fact.

Two kinds, each recorded with the words of the source it rests on (``quote``):

- **co-partners**: known support structures (water agencies, pS-Eau, networks, funders)
  that a clause of the statement names *as* partners (« accompagnée par », « cofinancement »,
  « lui a versé », « partenaires », « mobilisation »); a mention without such words is no
  proof of a partnership and is not recorded;
- **co-signatories**: French collectivités that share the same foreign partner and that the
  row names as acting jointly (« accord tripartite avec Grand Poitiers », « conjointement
  avec Saint-Pierre-d'Aurillac », « jumelées ensemble », an aside « (avec Fargues-de-Langon) »).
  A plain « avec » is not enough: « le Bezirk a conclu avec la Creuse et la Corrèze » tells of
  two partnerships, not of one signed together.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

from graph.attestations import attesting
from graph.model import (
    Node,
    Properties,
    Provenance,
    Relationship,
    RelType,
    ReviewItem,
    relationship_key,
)
from ingest.partners import PartnerResolver
from ingest.resolve import clean, strip_prefix

#: Words by which a clause names its organisations as partners of the action.
PARTNER_CUES = re.compile(
    r"partenaire|partenariat|accompagn|cofinanc|co-financ|financ[ée]|subvention|vers[ée]|"
    r"mobilis|appui|soutien|conjointement|aux c[ôo]t[ée]s|convention|mise en relation",
    re.IGNORECASE)
#: Support structures not yet known, named where the words leave no doubt: an acronym after
#: « par » (« accompagnée par l'ACAD », « mise en relation par l'ACAD ») or in a list of
#: « partenaires », and an « Association … » named as such.
_BY_ACRONYM = re.compile(r"\bpar\s+(?:l'|le\s+|la\s+|les\s+)?([A-Z][A-Z0-9]{2,7})\b")
_LISTED = re.compile(r"partenaires?\s*:?\s+((?:[A-Z][A-Z0-9]{2,7}(?:,\s*|\s+et\s+|$))+)")
_ASSOCIATION = re.compile(r"\b(Association\s+(?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,4})")
#: Words by which a row says several French parties act together.
JOINT_CUES = re.compile(r"tripartite|conjointement|cosign|co-sign|ensemble|aux c[ôo]t[ée]s|"
                        r"^avec\b|\bassociant\b|\bse joi(?:nt|gnent)\b|\brejoin",
                        re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The clauses of a statement (split at « ; », sentence ends and parentheses).

    >>> clauses("Depuis 2013, l'APM a reçu 95 000 €; l'Agence de l'eau lui a versé 29 500 €.")
    ["Depuis 2013, l'APM a reçu 95 000 €", "l'Agence de l'eau lui a versé 29 500 €"]
    """
    parts = re.split(r";|\.(?:\s|$)|\(|\)|\n", text)
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def co_partners(text: str, partners: PartnerResolver,
                exclude: Iterable[str]) -> list[tuple[str, str]]:
    """Known partners a clause of ``text`` names as partners: ``(key, quoted clause)``.

    >>> from graph.model import Provenance
    >>> r = PartnerResolver([Node(key="organisation:aeag", name="Agence de l'eau "
    ...     "Adour-Garonne", props={"acronym": "AEAG"},
    ...     provenance=Provenance(source="t", licence="t"))])
    >>> co_partners("mobilisation aussi de l'Agence de l'eau Adour-Garonne", r, [])
    [('organisation:aeag', "mobilisation aussi de l'Agence de l'eau Adour-Garonne")]
    >>> co_partners("vidéo Agence de l'eau Adour-Garonne", r, [])
    []
    """
    return mentioned_partners(text, partners, exclude)[0]


def mentioned_partners(text: str, partners: PartnerResolver, exclude: Iterable[str]
                       ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Known partners ``text`` names: those a clause names *as* partners (proved), and
    those it only mentions (for the user to judge), each with its clause."""
    skip = set(exclude)
    proved: dict[str, str] = {}
    mentioned: dict[str, str] = {}
    for clause in clauses(text):
        cue = PARTNER_CUES.search(clause)
        for key, _ in partners.mentions(clause):
            if key not in skip:
                (proved if cue else mentioned).setdefault(key, clause)
    return sorted(proved.items()), sorted((k, c) for k, c in mentioned.items()
                                          if k not in proved)


def names_of(node: Node) -> list[str]:
    """Comparable names of a collectivité: its name, and its name without the prefix
    (« CU du Grand Poitiers » is also « grand poitiers »)."""
    plain = clean(node.name)
    core, _ = strip_prefix(node.name)
    return sorted({n for n in (plain, clean(core)) if len(n) >= 4})


def co_signatories(facts: list[Relationship], nodes: dict[str, Node]) -> list[Relationship]:
    """Relations between French collectivités that the same rows show acting jointly
    toward one foreign partner. ``facts`` are the rows' relations to their partners (each
    with its ``statement``, ``partner_label`` and provenance); ``nodes`` the collectivités
    by key. One relation per pair and statement, with the quoted words."""
    by_place: dict[str, set[str]] = defaultdict(set)
    for rel in facts:
        by_place[rel.end].add(rel.start)
    out: dict[str, Relationship] = {}
    for rel in facts:
        text = f"{rel.props.get('partner_label') or ''} ; {rel.props.get('statement') or ''}"
        for clause in clauses(text):
            if not JOINT_CUES.search(clause):
                continue
            padded = f" {clean(clause)} "
            own = names_of(nodes[rel.start]) if rel.start in nodes else []
            for other in sorted(by_place[rel.end] - {rel.start}):
                node = nodes.get(other)
                # « Bordeaux » in Bordeaux's own statement does not name Bordeaux Métropole
                names = [n for n in names_of(node) if not any(n in o for o in own)] \
                    if node else []
                if not any(f" {n} " in padded for n in names):
                    continue
                joint = Relationship(
                    key=relationship_key(rel.start, RelType.COOPERATES_WITH, other,
                                         f"joint|{rel.key}"),
                    type=RelType.COOPERATES_WITH, start=rel.start, end=other,
                    props=attesting({"joint": True, "role": "cosignataire", "via": rel.end,
                                     "quote": clause, "origin": rel.props.get("origin"),
                                     "years": rel.props.get("years"),
                                     "period": rel.props.get("period"),
                                     "statement": rel.props.get("statement")}, rel.provenance),
                    provenance=rel.provenance)
                out.setdefault(joint.key, joint)
    return list(out.values())


JOINT_TEMPLATE = "conjoint"


def possible_item(file: str, line: int, actor: str, name: str, partner: str, clause: str,
                  source: str, licence: str) -> ReviewItem:
    """A review item for a partner the statement mentions without proving it is one."""
    digest = hashlib.sha1(f"{actor}|{partner}|{clause}".encode()).hexdigest()[:16]
    return ReviewItem(key=f"review:{digest}", file=file, lines=[line], name=name,
                      row={"acteur": actor, "partenaire": partner, "citation": clause,
                           "source": source, "licence": licence, "origine": f"{file}:{line}"},
                      reason=f"partenaire conjoint possible : {partner}, cité sans mot qui "
                             f"l'établit (« {clause} ») ; confirmer avec --as {partner}, "
                             "ou écarter",
                      candidates=[partner], template=JOINT_TEMPLATE)


def confirmed(item: ReviewItem) -> Relationship:
    """The co-partner relation the user confirms for a « conjoint » review item."""
    row = item.row
    return co_partner(row["acteur"], row["partenaire"], row["citation"],
                      {"origin": row["origine"]}, f"confirmé|{row['origine']}",
                      Provenance(source=row["source"], licence=row["licence"]))


def new_structures(text: str, known: Iterable[str]) -> list[tuple[str, str]]:
    """Support structures ``text`` names as partners that Maillage does not know yet:
    ``(name, quoted clause)``.

    >>> new_structures("Noaillan aide Yaho depuis 2015, accompagnée par l'ACAD", [])
    [('ACAD', "Noaillan aide Yaho depuis 2015, accompagnée par l'ACAD")]
    >>> new_structures("Fiche pS-Eau: partenaires ACAD, AE Adour-Garonne", [])
    [('ACAD', 'Fiche pS-Eau: partenaires ACAD, AE Adour-Garonne')]
    >>> [n for n, _ in new_structures("Fête du livre ; Association Poitiers-Moundou, Adiflor", [])]
    ['Association Poitiers-Moundou']
    >>> new_structures("Le maire de Cognac en visite avec la CUD", [])
    []
    """
    skip = {clean(k) for k in known}
    found: dict[str, str] = {}
    for clause in clauses(text):
        names = [m[1] for m in _ASSOCIATION.finditer(clause)]
        if PARTNER_CUES.search(clause):
            names += [m[1] for m in _BY_ACRONYM.finditer(clause)]
            for listed in _LISTED.finditer(clause):
                names += re.findall(r"[A-Z][A-Z0-9]{2,7}", listed[1])
        for name in names:
            if clean(name) not in skip:
                found.setdefault(name, clause)
    return sorted(found.items())


def co_partner_relations(actor: str, text: str, partners: PartnerResolver,
                         exclude: Iterable[str], props: Properties,
                         discriminator: str, prov: Provenance) -> list[Relationship]:
    """The actor's relations to the co-partners its statement names (see :func:`co_partners`)."""
    return [co_partner(actor, key, clause, props, discriminator, prov)
            for key, clause in co_partners(text, partners, exclude)]


def co_partner(actor: str, partner: str, clause: str, props: Properties, discriminator: str,
               prov: Provenance) -> Relationship:
    """The relation of an actor to a co-partner named in a clause of its statement."""
    kept = {k: v for k, v in props.items()
            if k in ("origin", "years", "period", "statement", "partner_label")}
    return Relationship(
        key=relationship_key(actor, RelType.COOPERATES_WITH, partner, f"co|{discriminator}"),
        type=RelType.COOPERATES_WITH, start=actor, end=partner,
        props=attesting({**kept, "joint": True, "role": "co-partenaire", "quote": clause},
                        prov), provenance=prov)
