"""Settle a homonym with what the row itself says, and say how.

Before a row goes to review because several collectivités bear its name, its own words
may settle it: a département named in a cell (« Magné (Deux-Sèvres) », « dans la Vienne »,
« 79 »), a postcode, or the row's partner, with which exactly one of the candidates already
works. The reason is recorded with the quoted words; when the context does not single out
one candidate, the row still goes to review — a wrong resolution is worse than a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from graph.model import Node, normalize
from ingest.resolve import strip_prefix

#: Where a row's context lives (its own columns), in the order they are read.
CONTEXT_COLUMNS = ("description", "collectivite", "partenaire", "departement", "code_postal")


def plain(text: str) -> str:
    """Comparable words, parentheses kept (``clean`` drops them, and they are where the
    context usually is).

    >>> plain("Magné (Deux-Sèvres)")
    'magne deux sevres'
    """
    return " ".join(re.sub(r"[-‐–—_/.,;:()\[\]'’]+", " ", normalize(text)).split())


def departement_of(node: Node) -> str | None:
    value = node.props.get("departement")
    return str(value) if value else None


def by_departement(candidates: list[Node], departements: dict[str, str],
                   texts: dict[str, str]) -> tuple[str, str] | None:
    """The one candidate whose département a text names: ``(key, reason)``.

    ``departements`` maps codes to names; a name counts as a whole phrase (« Vienne » is not
    « Haute-Vienne »), a code or a postcode only in parentheses or as a postcode.

    >>> from graph.model import Provenance
    >>> p = Provenance(source="t", licence="t")
    >>> a = Node(key="commune:79162", name="Magné", props={"departement": "79"}, provenance=p)
    >>> b = Node(key="commune:86141", name="Magné", props={"departement": "86"}, provenance=p)
    >>> deps = {"79": "Deux-Sèvres", "86": "Vienne", "87": "Haute-Vienne"}
    >>> by_departement([a, b], deps, {"description": "Magné (Deux-Sèvres) et son comité"})
    ('commune:79162', 'résolu par le contexte : « Deux-Sèvres » dans la colonne description')
    >>> by_departement([a, b], deps, {"description": "aide de la Haute-Vienne"}) is None
    True
    """
    wanted = {departement_of(c) for c in candidates}
    for column, text in texts.items():
        padded = f" {plain(text)} "
        hits: dict[str, str] = {}
        for code, name in departements.items():
            if f" {plain(name)} " in padded:
                hits.setdefault(code, name)
        for match in re.finditer(r"\((\d{2}|2[AB])\)|\b(\d{2})\d{3}\b", text):
            code = match[1] or match[2]
            if code in departements:
                hits.setdefault(code, match[0])
        # « Haute-Vienne » contains « Vienne »: keep the longest names only
        found = {c for c in hits if c in wanted and not any(
            plain(hits[c]) != plain(hits[o]) and plain(hits[c]) in plain(hits[o])
            for o in hits)}
        if len(found) == 1:
            code = found.pop()
            key = next(c.key for c in candidates if departement_of(c) == code)
            return key, f"résolu par le contexte : « {hits[code]} » dans la colonne {column}"
    return None


def by_epci(candidates: list[Node], epcis: dict[str, str],
            texts: dict[str, str]) -> tuple[str, str] | None:
    """The one candidate whose EPCI a text names (``epcis``: SIREN → name).

    >>> from graph.model import Provenance
    >>> p = Provenance(source="t", licence="t")
    >>> a = Node(key="commune:1", name="Ars", props={"epci": "200071827"}, provenance=p)
    >>> b = Node(key="commune:2", name="Ars", props={"epci": "200070852"}, provenance=p)
    >>> by_epci([a, b], {"200071827": "CA du Grand Cognac", "200070852": "CC Creuse Confluence"},
    ...         {"description": "Ars, dans le Grand Cognac"})
    ('commune:1', 'résolu par le contexte : « CA du Grand Cognac » dans la colonne description')
    """
    def names(epci: str) -> list[str]:
        full = epcis[epci]
        return [n for n in {plain(full), plain(strip_prefix(full)[0])} if len(n) >= 5]

    for column, text in texts.items():
        padded = f" {plain(text)} "
        found = {c.key: epcis[str(c.props.get("epci"))] for c in candidates
                 if str(c.props.get("epci")) in epcis
                 and any(f" {n} " in padded for n in names(str(c.props.get("epci"))))}
        if len(found) == 1:
            key, name = found.popitem()
            return key, f"résolu par le contexte : « {name} » dans la colonne {column}"
    return None


def by_partner(candidates: Iterable[str], partners: Iterable[str],
               ties: Callable[[str], set[str]]) -> tuple[str, str] | None:
    """The one candidate that already works with one of the row's partners."""
    wanted = set(partners)
    if not wanted:
        return None
    found = sorted(c for c in candidates if ties(c) & wanted)
    if len(found) == 1:
        shared = sorted(ties(found[0]) & wanted)[0]
        return found[0], f"résolu par le contexte : travaille déjà avec {shared}"
    return None
