"""Entity resolution: names as people write them → official keys.

Exact matches on cleaned names first (prefixes « Ville de », « CA », « CD » removed,
« St » → « Saint »), then former names of merged communes, then fuzzy matching above a
threshold. Homonyms and weak matches are never guessed: candidates go to review.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from graph.model import Node, NodeKind, normalize

UNKNOWN_CATEGORY = "non précisée"
FUZZY_ACCEPT = 92.0
FUZZY_MARGIN = 4.0
FUZZY_CANDIDATE = 70.0
ORDER = (NodeKind.COMMUNE, NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION)

_PREFIXES: list[tuple[NodeKind, re.Pattern[str]]] = [
    (NodeKind.COMMUNE, re.compile(
        r"^(ville|mairie|commune|municipalite|cite)\s+(de\s+|d'|du\s+|des\s+)")),
    (NodeKind.EPCI, re.compile(
        r"^(communaute\s+d'agglomeration|communaute\s+de\s+communes|communaute\s+urbaine|"
        r"agglomeration|agglo|ca|cc|cu|cda|metropole|communaute)\s+"
        r"(du\s+|de\s+|des\s+|d')?")),
    (NodeKind.DEPARTEMENT, re.compile(
        r"^(conseil\s+departemental|conseil\s+general|departement|cd|cg)\s+"
        r"(de\s+la\s+|de\s+l'|du\s+|des\s+|de\s+|d')?")),
    (NodeKind.REGION, re.compile(r"^(conseil\s+regional|region)\s+(de\s+|d'|du\s+)?")),
]
_SUFFIX_EPCI = re.compile(r"\s+(metropole|agglomeration|agglo|communaute\s+urbaine|"
                          r"communaute\s+d'agglomeration|communaute\s+de\s+communes|"
                          r"communaute)$")
#: The usual short names of the régions, after « Région » (« Région NA », « Région PACA »)
REGION_SHORT = {"na": "75", "n a": "75", "idf": "11", "paca": "93", "aura": "84", "ara": "84",
                "bfc": "27", "cvl": "24", "hdf": "32", "pdl": "52"}
#: « CD17 », « CD 33 », « Conseil départemental 64 »: a département by its number
_DEP_BY_NUMBER = re.compile(r"^(?:cd|cg|conseil departemental|conseil general|departement)"
                            r"\s*(\d{2}|2a|2b|97\d)$")


# a file repeats its names and the resolvers clean every name of France: once each
@lru_cache(maxsize=1 << 17)
def clean(text: str) -> str:
    """Comparable form of a name: accents, case, hyphens, apostrophes and St/Ste.

    >>> clean("ST-JUNIEN")
    'saint junien'
    >>> clean("Châtelaillon-Plage")
    'chatelaillon plage'
    """
    norm = normalize(text)
    norm = re.sub(r"\([^)]*\)", " ", norm)
    norm = re.sub(r"\b(st|ste)\b\.?", lambda m: "saint" if m[1] == "st" else "sainte", norm)
    norm = re.sub(r"[-‐–—_/.,]+", " ", norm)
    norm = norm.replace("'", "' ").replace("' ", "'")
    return " ".join(norm.split())


def strip_prefix(text: str) -> tuple[str, NodeKind | None]:
    """Remove administrative prefixes; return the core name and the kind they imply.

    >>> strip_prefix("Ville de Poitiers")
    ('poitiers', <NodeKind.COMMUNE: 'commune'>)
    >>> strip_prefix("CA de La Rochelle")
    ('la rochelle', <NodeKind.EPCI: 'epci'>)
    >>> strip_prefix("Bordeaux Métropole")
    ('bordeaux', <NodeKind.EPCI: 'epci'>)
    >>> strip_prefix("CD Gironde")
    ('gironde', <NodeKind.DEPARTEMENT: 'departement'>)
    >>> strip_prefix("Grand Poitiers Communauté urbaine")
    ('grand poitiers', <NodeKind.EPCI: 'epci'>)
    """
    name = clean(text)
    for kind, pattern in _PREFIXES:
        stripped = pattern.sub("", name, count=1)
        if stripped != name and stripped:
            if kind is NodeKind.EPCI:
                stripped = _SUFFIX_EPCI.sub("", stripped) or stripped
            return stripped, kind
    stripped = _SUFFIX_EPCI.sub("", name)
    if stripped != name and stripped:
        return stripped, NodeKind.EPCI
    return name, None


def _no_article(text: str) -> str:
    return re.sub(r"^(la|le|les|l')\s*", "", text)


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    kind: NodeKind
    departements: tuple[str, ...]
    former: bool = False


@dataclass
class Resolution:
    key: str | None
    confidence: float
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    via: str = ""

    @property
    def resolved(self) -> bool:
        return self.key is not None


def _departements(node: Node) -> tuple[str, ...]:
    deps = node.props.get("departements") or node.props.get("departement")
    if node.kind is NodeKind.DEPARTEMENT:
        return (node.key.split(":", 1)[1],)
    if isinstance(deps, list):
        return tuple(str(d) for d in deps)
    return (str(deps),) if deps else ()


#: The région Maillage centres on when nothing else is said (Nouvelle-Aquitaine); the
#: service passes the ``MAILLAGE_REGION`` setting.
HOME_REGION = "75"


def regions_of(node: Node) -> set[str]:
    """The régions a collectivité lies in (an EPCI may straddle two)."""
    if node.kind is NodeKind.REGION:
        return {node.key.split(":", 1)[1]}
    value = node.props.get("regions") or node.props.get("region")
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if value else set()


class CollectiviteResolver:
    """Resolve French collectivités against the geography in the store. The store holds
    all of France; a name borne in the home région and elsewhere is the home région's
    (the users import their own région's actions), unless the row says otherwise (a
    département or a code)."""

    def __init__(self, nodes: Iterable[Node], home: str | None = None) -> None:
        self.home = home
        self.nodes: dict[str, Node] = {}
        self.by_code: dict[str, str] = {}
        self.exact: dict[NodeKind, dict[str, set[Entry]]] = defaultdict(lambda: defaultdict(set))
        self.choices: dict[NodeKind, dict[str, str]] = defaultdict(dict)
        for node in nodes:
            if node.kind not in ORDER:
                continue
            self.nodes[node.key] = node
            ident = node.key.split(":", 1)[1]
            self.by_code[ident] = node.key
            for code_prop in ("siren", "insee"):
                value = node.props.get(code_prop)
                if isinstance(value, str) and value:
                    self.by_code.setdefault(value, node.key)
            deps = _departements(node)
            names = [(node.name, False)]
            former = node.props.get("former_names")
            if isinstance(former, list):
                names += [(str(n), True) for n in former]
            for raw, is_former in names:
                entry = Entry(node.key, raw, node.kind, deps, is_former)
                core = strip_prefix(raw)[0] if node.kind is NodeKind.EPCI else clean(raw)
                for variant in {core, _compact(core), clean(raw), _no_article(core)}:
                    self.exact[node.kind][variant].add(entry)
                self.choices[node.kind][f"{node.key}|{raw}"] = core

    def by_official_code(self, code: str) -> str | None:
        """A key from an INSEE code, a SIREN or a prefixed code (``insee_com:86194``); a
        commune code that a spreadsheet stored as a number lost its leading zero (« 1004 »
        for Ambérieu-en-Bugey, 01004), given back here."""
        code = code.strip().lower()
        if code.isdigit() and len(code) == 4:
            code = code.zfill(5)
        if ":" in code:
            prefix, _, value = code.partition(":")
            kind = {"insee_com": NodeKind.COMMUNE, "insee_dep": NodeKind.DEPARTEMENT,
                    "insee_reg": NodeKind.REGION, "siren": None}.get(prefix)
            if prefix in {k.value for k in ORDER}:
                kind = NodeKind(prefix)
            value = value.upper()
            if kind is not None:
                key = f"{kind.value}:{value}"
                return key if key in self.nodes else None
            return self.by_code.get(value)
        return self.by_code.get(code.upper())

    def resolve(self, name: str, code: str = "", departement: str = "",
                kind_hint: NodeKind | None = None) -> Resolution:
        if code:
            key = self.by_official_code(code)
            if key is None:
                return Resolution(None, 0.0, reason=f"code « {code} » inconnu du référentiel")
            return Resolution(key, 1.0, via="code")
        number = _DEP_BY_NUMBER.match(clean(name))
        if number and f"departement:{number[1].upper()}" in self.nodes:
            return Resolution(f"departement:{number[1].upper()}", 1.0, via="numéro")
        core, prefix_kind = strip_prefix(name)
        hint = prefix_kind or kind_hint
        short = REGION_SHORT.get(core) if hint is NodeKind.REGION else None
        if short and f"region:{short}" in self.nodes:  # « Région NA », « Conseil régional IDF »
            return Resolution(f"region:{short}", 1.0, via="sigle")
        dep = departement.strip().upper().zfill(2) if departement.strip() else ""
        regions = self._exact(NodeKind.REGION, clean(name), "") or (
            self._exact(NodeKind.REGION, core, "") if hint is NodeKind.REGION else set())
        if len({e.key for e in regions}) == 1:
            # a région by its name, or one of the former régions merged on 2016-01-01
            entry = next(iter(regions))
            return Resolution(entry.key, 1.0, via="ancienne région" if entry.former else "nom")
        kinds = [hint] if hint else list(ORDER)
        for kind in kinds:
            found = self._exact(kind, core, dep) or self._exact(kind, clean(name), dep)
            if not found:
                continue
            current = {e for e in found if not e.former} or found
            keys = self.home_first(sorted({e.key for e in current}))
            if len(keys) == 1:
                former = all(e.former for e in current)
                return Resolution(keys[0], 0.95 if former else 1.0,
                                  via="ancien nom" if former else "nom")
            return Resolution(None, 0.0, candidates=keys,
                              reason=f"homonymes : {len(keys)} collectivités portent ce nom ; "
                                     "précisez le département ou le code")
        return self._leading(core, kinds, dep) or self._fuzzy(core, kinds, dep)

    def home_first(self, keys: list[str]) -> list[str]:
        """Those of ``keys`` in the home région, if any; else all of them."""
        if self.home is None:
            return keys
        home = [k for k in keys if self.home in regions_of(self.nodes[k])]
        return home or keys

    def _leading(self, core: str, kinds: list[NodeKind], dep: str) -> Resolution | None:
        """« Brive » for Brive-la-Gaillarde: the one name that starts with the words given
        (three letters are enough for an EPCI named as such: « Agglo de Pau »)."""
        if len(core) < (3 if kinds == [NodeKind.EPCI] else 4):
            return None
        for kind in kinds:
            keys = set(self.home_first(sorted(
                {key.split("|")[0] for key, name in self.choices[kind].items()
                 if name.startswith(core + " ")
                 and (not dep or dep in _departements(self.nodes[key.split("|")[0]]))})))
            if len(keys) == 1:
                return Resolution(keys.pop(), 0.9, via="début du nom")
            if keys:
                return None
        return None

    def _exact(self, kind: NodeKind, core: str, dep: str) -> set[Entry]:
        table = self.exact[kind]
        found = (table.get(core, set()) | table.get(_compact(core), set())
                 | table.get(_no_article(core), set()))
        if dep:
            found = {e for e in found if dep in e.departements}
        return found

    def _fuzzy(self, core: str, kinds: list[NodeKind], dep: str) -> Resolution:
        scored: list[tuple[float, str]] = []
        for kind in kinds:
            choices = {k: v for k, v in self.choices[kind].items()
                       if not dep or dep in _departements(self.nodes[k.split("|")[0]])}
            for _, score, label in process.extract(core, choices, scorer=fuzz.token_sort_ratio, limit=5,
                                                   score_cutoff=FUZZY_CANDIDATE):
                scored.append((score, label.split("|")[0]))
        best: dict[str, float] = {}
        for score, key in scored:
            best[key] = max(score, best.get(key, 0.0))
        home = set(self.home_first(sorted(best)))
        ranked = sorted(best.items(), key=lambda kv: (kv[0] not in home, -kv[1], kv[0]))
        if ranked:
            top_key, top = ranked[0]
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            if top >= FUZZY_ACCEPT and top - second >= FUZZY_MARGIN:
                return Resolution(top_key, round(top / 100, 3), via="approché")
        candidates = [k for k, _ in ranked[:5]]
        reason = ("correspondance incertaine" if candidates
                  else "aucune collectivité de France ne porte ce nom")
        return Resolution(None, 0.0, candidates=candidates, reason=reason)
