"""Countries as people write them: ISO code, French or English name, usual short names."""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Node, NodeKind
from ingest.resolve import _compact, clean

#: Short names people write for a country that the official lists do not give (Maillage's
#: table).
COUNTRY_ALIASES = {"burkina": "BF", "rdc": "CD", "rd congo": "CD", "uk": "GB",
                   "grande bretagne": "GB", "macedoine": "MK", "guinee conakry": "GN",
                   "centrafrique": "CF"}
#: A part named for the whole in the « pays » column (a twin town « en Angleterre » is in
#: GB); as a partner's name, the part is a place of its own (the Région and Québec).
COUNTRY_PARTS = {"angleterre": "GB", "ecosse": "GB", "pays de galles": "GB",
                 "irlande du nord": "GB", "hollande": "NL", "quebec": "CA"}


class CountryResolver:
    """Countries by ISO code, French or English name, with or without accents, the usual
    short names of :data:`COUNTRY_ALIASES`, and (``parts``) the parts of
    :data:`COUNTRY_PARTS` named for their country."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.index: dict[str, str] = {}
        for node in nodes:
            if node.kind is not NodeKind.COUNTRY:
                continue
            names = [node.name, node.key.split(":")[1]]
            for prop in ("alpha3", "name_en", "nom_iso", "nom_i18n"):
                value = node.props.get(prop)
                if isinstance(value, str):
                    names.append(value)
            for raw in names:
                self.index.setdefault(clean(raw), node.key)
                self.index.setdefault(_compact(clean(raw)), node.key)
        known = set(self.index.values())
        self.parts: dict[str, str] = {}
        for table, into in ((COUNTRY_ALIASES, self.index), (COUNTRY_PARTS, self.parts)):
            for alias, iso in table.items():
                if f"country:{iso}" in known:
                    into.setdefault(alias, f"country:{iso}")
                    into.setdefault(_compact(alias), f"country:{iso}")

    def resolve(self, text: str, parts: bool = True) -> str | None:
        """
        >>> from graph.model import Provenance
        >>> p = Provenance(source="t", licence="t")
        >>> r = CountryResolver([Node(key="country:SN", name="Sénégal",
        ...                           props={"name_en": "Senegal"}, provenance=p)])
        >>> [r.resolve(x) for x in ("SN", "senegal", "Sénégal", "Senegal", "Mali")]
        ['country:SN', 'country:SN', 'country:SN', 'country:SN', None]
        """
        cleaned = clean(text)
        found = self.index.get(cleaned) or self.index.get(_compact(cleaned))
        if found is None and parts:  # « Angleterre » for a country, not as a partner
            found = self.parts.get(cleaned) or self.parts.get(_compact(cleaned))
        return found
