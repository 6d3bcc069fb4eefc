"""Countries as people write them: ISO code, French or English name, usual short names."""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Node, NodeKind
from ingest.resolve import _compact, clean

#: Names people write for a country that the official lists do not give (Maillage's table):
#: short forms, and a part named for the whole (a twin town « en Angleterre » is in GB).
COUNTRY_ALIASES = {"burkina": "BF", "rdc": "CD", "rd congo": "CD", "uk": "GB",
                   "grande bretagne": "GB", "angleterre": "GB", "ecosse": "GB",
                   "pays de galles": "GB", "irlande du nord": "GB", "macedoine": "MK",
                   "guinee conakry": "GN", "centrafrique": "CF", "hollande": "NL",
                   "quebec": "CA"}


class CountryResolver:
    """Countries by ISO code, French or English name, with or without accents, and the
    usual short names of :data:`COUNTRY_ALIASES`."""

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
        for alias, iso in COUNTRY_ALIASES.items():
            if f"country:{iso}" in known:
                self.index.setdefault(alias, f"country:{iso}")
                self.index.setdefault(_compact(alias), f"country:{iso}")

    def resolve(self, text: str) -> str | None:
        """
        >>> from graph.model import Provenance
        >>> p = Provenance(source="t", licence="t")
        >>> r = CountryResolver([Node(key="country:SN", name="Sénégal",
        ...                           props={"name_en": "Senegal"}, provenance=p)])
        >>> [r.resolve(x) for x in ("SN", "senegal", "Sénégal", "Senegal", "Mali")]
        ['country:SN', 'country:SN', 'country:SN', 'country:SN', None]
        """
        cleaned = clean(text)
        return self.index.get(cleaned) or self.index.get(_compact(cleaned))
