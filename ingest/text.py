"""Names as sources write them: the place a foreign name designates (its key part, its
other names), and the traces of a wrong encoding."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from graph.model import slugify
from ingest.memo import repeated
from ingest.resolve import clean

_FOREIGN_PREFIX = re.compile(
    r"^(commune rurale|commune urbaine|ville|commune|municipalite|mairie|departement|province|"
    r"region|district|comte|cercle|"
    r"prefecture|canton|land|county|city|etat|state|conseil regional|conseil departemental|"
    r"communaute urbaine|communaute|intercommunalite|gouvernorat|wilaya|oblast|raion|"
    r"arrondissement)\s+(de\s+la\s+|de\s+l'|du\s+|des\s+|de\s+|d')?")

@repeated(1 << 16)  # a file names the same places row after row
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


#: « X et Y » names two partners when Y starts as an authority or a body does (« Trinité
#: et Tobago », « Saint-Pierre-et-Miquelon » stay one)
#: An acronym in parentheses closing a name: « Association Poitiers Moundou (APM) ».
_CLOSING_ACRONYM = re.compile(r"^(.*\S)\s*\(((?=(?:[^()\s]*[A-Z]){2})[^()\s]{2,10})\)$")


def split_acronym(name: str) -> tuple[str, str | None]:
    """A name without the acronym in parentheses that closes it, and that acronym: the
    key of an organisation a file names for the first time is made from the name alone,
    so that « Association Poitiers Moundou (APM) » and « Association Poitiers-Moundou »
    named by other rows are one organisation. Words in parentheses that are not an
    acronym (a place, an edition) stay in the name: they may tell two things apart.

    >>> split_acronym("Association Poitiers Moundou (APM)")
    ('Association Poitiers Moundou', 'APM')
    >>> split_acronym("Office franco-québécois pour la jeunesse (OFQJ)")
    ('Office franco-québécois pour la jeunesse', 'OFQJ')
    >>> split_acronym("Assises de la coopération décentralisée franco-vietnamienne (Haiphong)")
    ('Assises de la coopération décentralisée franco-vietnamienne (Haiphong)', None)
    >>> split_acronym("UNIC – Urban Innovation in Ceramics (réseau URBACT 2)")
    ('UNIC – Urban Innovation in Ceramics (réseau URBACT 2)', None)
    >>> split_acronym("ACAD")
    ('ACAD', None)
    """
    found = _CLOSING_ACRONYM.match(name.strip())
    return (found[1], found[2]) if found else (name.strip(), None)


_AND_ANOTHER = re.compile(
    r"\s+et\s+(?=(?:Région|Province|Commune|Communauté|Ville|Municipalité|Département|"
    r"District|Cercle|Préfecture|Réseau|Association|Union|Conseil)\b)")


def foreign_parties(text: str) -> list[str]:
    """The partners a cell names: separated by « ; », or joined by « et » before another
    authority or body (outside a parenthesis, which comments on the last one).

    >>> foreign_parties("Région du Plateau Central et Réseau des Communes de l'Oubritenga (7 communes)")
    ['Région du Plateau Central', "Réseau des Communes de l'Oubritenga (7 communes)"]
    >>> foreign_parties("Trinité et Tobago ; Ville de Moundou (Commune et Région de Moundou)")
    ['Trinité et Tobago', 'Ville de Moundou (Commune et Région de Moundou)']
    """
    parties = []
    for part in text.split(";"):
        head, paren, remark = part.partition("(")
        pieces = _AND_ANOTHER.split(head)
        pieces[-1] += paren + remark
        parties += [p.strip() for p in pieces if p.strip()]
    return parties


#: How close a one-word parenthesis must be to the name before it to be the same place in
#: another language (« Marbourg (Marburg) »), not a region (« Amberg (Bavière) »).
ALIAS_SIMILARITY = 55


def foreign_names(text: str) -> tuple[str, list[str]]:
    """The name a foreign place is keyed by, and its other names.

    « Exonym (Endonym) » gives the endonym as the name, when the parenthesis is one word
    that reads like the name before it; any other parenthesis is a remark, not a name.

    >>> foreign_names("Marbourg (Marburg)")
    ('Marburg', ['Marbourg'])
    >>> foreign_names("Amberg (Bavière)")
    ('Amberg', [])
    >>> foreign_names("Ville de Moundou (accord tripartite avec Grand Poitiers)")
    ('Ville de Moundou', [])
    """
    name, aliases = _foreign_names(text)
    return name, list(aliases)


@repeated(1 << 16)
def _foreign_names(text: str) -> tuple[str, tuple[str, ...]]:
    match = re.fullmatch(r"\s*(.*?)\s*\(([^()]*)\)\s*", text)
    if not match:
        return text.strip(), ()
    main, inner = match[1].strip(), match[2].strip()
    if main and inner and " " not in inner and \
            fuzz.ratio(clean(main), clean(inner)) >= ALIAS_SIMILARITY:
        return inner, (main,)
    return main or text.strip(), ()


#: Traces of a wrong encoding: UTF-8 read as Windows-1252 (« MÃ¼nster », « Ã© »), or a
#: letter lost to « ? » inside a word (« Gala?i »).
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf©¨ ª«®¯´¶»¼½¾§¢£¤¥¦°±²³µ·¸¹º¿]|â€|Â[ °«»]|[^\W\d_]\?[^\W\d_]")


def damage(text: str) -> str | None:
    """The word of ``text`` a wrong encoding damaged, if any.

    >>> damage("Gala?i"), damage("MÃ¼nster"), damage("Galați"), damage("Vraiment ? Oui")
    ('Gala?i', 'MÃ¼nster', None, None)
    """
    match = _MOJIBAKE.search(text)
    if not match:
        return None
    start = text.rfind(" ", 0, match.start()) + 1
    end = text.find(" ", match.end())
    return text[start:end if end >= 0 else len(text)]
