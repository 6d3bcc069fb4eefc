"""Which known organisations and programmes a partner's name or a statement mentions:
aliases from the records themselves (names, acronyms, words in parentheses), matched as
runs of whole words."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from graph.model import Node, NodeKind
from ingest.memo import SHORT
from ingest.resolve import UNKNOWN_CATEGORY, clean

SEEN_TEXTS = 50_000  # short texts whose partner mentions a resolver remembers


def _words(text: str) -> str:
    """Comparable text padded with spaces, elisions split (« l'Agence » has the word
    « agence »; « l eau », typed without its apostrophe, reads as « l'eau »), for
    whole-word search.

    >>> _words("l'Agence de l'eau") == _words("l Agence de l eau")
    True
    >>> _words("l'Agence de l'eau")
    ' l agence de l eau '
    """
    return " " + clean(re.sub(r"[()]", " ", text)).replace("'", " ") + " "


#: The basins of the water agencies, and several agencies named at once, in the words
#: :func:`_words` gives (« les Agences de l'eau Loire-Bretagne et Adour-Garonne »).
_BASIN = re.compile(r"loire bretagne|adour garonne|seine normandie|rhin meuse|artois picardie|"
                    r"rhone mediterranee corse")
_AGENCIES = re.compile(rf"agences de l eau ((?:(?:{_BASIN.pattern})(?: et | )?)+)")


class PartnerResolver:
    """Find the known organisations and programmes a partner's name mentions. Aliases come
    from the records themselves: names, acronyms, words in parentheses."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.aliases: dict[str, set[str]] = defaultdict(set)
        self.nodes: dict[str, Node] = {}
        #: every organisation and programme already stored, free-text ones included
        self.keys: set[str] = set()
        self._index: tuple[dict[str, list[str]], int, int] | None = None
        self._seen: dict[str, list[tuple[str, str]]] = {}  # text → its mentions, as found
        for node in nodes:
            if node.kind not in (NodeKind.ORGANISATION, NodeKind.PROGRAMME):
                continue
            self.keys.add(node.key)
            if node.props.get("category") == UNKNOWN_CATEGORY:
                # Partners first seen as free text are matched by key only: indexing their
                # names would make a second import resolve differently from the first.
                continue
            self.nodes[node.key] = node
            names = [node.name, node.key.split(":", 1)[1].replace("-", " ")]
            names += re.findall(r"\(([^)]+)\)", node.name)
            acronym = node.props.get("acronym")
            if isinstance(acronym, str):
                names += re.split(r"[()]|\bex\b", acronym)
            for raw in names:
                alias = clean(re.sub(r"[()]", " ", raw)).strip(" -")
                if len(alias) >= 3:
                    self.aliases[alias].add(node.key)
        # « AE Adour-Garonne » (pS-Eau's fiches): the Agence de l'eau of that basin.
        for key, node in self.nodes.items():
            basin = re.search(r"\beau\s+(.+)$", clean(node.name))
            if node.props.get("category") == "agence_eau" and basin:
                self.aliases[f"ae {basin[1]}"].add(key)
        # The 1 % solidaire is the Oudin-Santini law's scheme (programmes.csv says so).
        if "programme:un-pour-cent-solidaire" in self.nodes:
            for alias in ("oudin santini", "1% solidaire", "1 % solidaire", "1% eau"):
                self.aliases[clean(alias)].add("programme:un-pour-cent-solidaire")

    def mentions(self, text: str) -> list[tuple[str, str]]:
        """Known partners named in ``text`` with the alias that names them, longest first.

        >>> from graph.model import Provenance
        >>> r = PartnerResolver([Node(key="organisation:aelb", name="Agence de l'eau "
        ...     "Loire-Bretagne", props={"acronym": "AELB", "category": "agence_eau"},
        ...     provenance=Provenance(source="t", licence="t"))])
        >>> r.mentions("l'Agence de l'eau Loire-Bretagne lui a versé 29 500 €")
        [('organisation:aelb', "agence de l'eau loire bretagne")]
        >>> r.mentions("programme cofinancé par les Agences de l'eau Loire-Bretagne et "
        ...            "Adour-Garonne")
        [('organisation:aelb', 'ae loire bretagne')]
        """
        # every run of words of the text, looked up: a re-import of thousands of
        # organisations must not compare each row with every alias
        index, longest = self._by_words()
        if text in self._seen:  # a file repeats its partners
            return list(self._seen[text])
        # « les Agences de l'eau Loire-Bretagne et Adour-Garonne »: each agency named
        tokens = _AGENCIES.sub(lambda m: " et ".join(
            f"ae {basin}" for basin in _BASIN.findall(m[1])) + " ", _words(text)).split()
        named = {alias for i in range(len(tokens))
                 for n in range(1, min(longest, len(tokens) - i) + 1)
                 for alias in index.get(" ".join(tokens[i:i + n]), ())}
        found: list[tuple[str, str]] = []
        for alias in sorted(named, key=lambda a: (-len(a), a)):
            found += [(key, alias) for key in sorted(self.aliases[alias])
                      if all(key != k for k, _ in found)]
        if len(self._seen) < SEEN_TEXTS and len(text) <= SHORT:
            self._seen[text] = list(found)
        return found

    def _by_words(self) -> tuple[dict[str, list[str]], int]:
        """Aliases by their words (as :func:`_words` splits them), and the most words."""
        if self._index is None or self._index[2] != len(self.aliases):
            index: dict[str, list[str]] = defaultdict(list)
            for alias in self.aliases:
                index[" ".join(_words(alias).split())].append(alias)
            longest = max((g.count(" ") + 1 for g in index), default=0)
            self._index, self._seen = (dict(index), longest, len(self.aliases)), {}
        return self._index[0], self._index[1]

    def mentioned(self, text: str) -> list[str]:
        """Keys of known partners named in ``text``, longest alias first.

        >>> from graph.model import Provenance
        >>> p = Provenance(source="t", licence="t")
        >>> r = PartnerResolver([Node(key="organisation:afd", name="Agence française de "
        ...     "développement", props={"acronym": "AFD"}, provenance=p), Node(
        ...     key="programme:ficol", name="Facilité (FICOL)", provenance=p)])
        >>> r.mentioned("AFD – FICOL (projet Kendari)")
        ['programme:ficol', 'organisation:afd']
        """
        return [key for key, _ in self.mentions(text)]
