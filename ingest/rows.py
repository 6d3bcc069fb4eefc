"""What the rows of every import template share: the resolvers they are read with,
what a row gives (records, errors, review), and the checks every cell passes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field

from graph.model import Node, NodeKind, Provenance, Relationship, slugify
from graph.store import GraphStore
from ingest.countries import CountryResolver
from ingest.errors import RowError
from ingest.memo import repeated
from ingest.partners import PartnerResolver
from ingest.resolve import UNKNOWN_CATEGORY, CollectiviteResolver, clean
from ingest.text import damage, split_acronym


@dataclass
class Resolvers:
    collectivites: CollectiviteResolver
    countries: CountryResolver
    partners: PartnerResolver
    settled: dict[str, str] = field(default_factory=dict)
    #: the keys a node is already tied to in the store (to settle homonyms by context)
    ties: Callable[[str], set[str]] = field(default=lambda key: set())
    #: known projects by the slug of their title (a row without country names the same one)
    projects: dict[str, str] = field(default_factory=dict)


def collect(store: GraphStore, kinds: Iterable[NodeKind]) -> list[Node]:
    """Every node of these kinds (one read per kind)."""
    return [node for kind in kinds for node in store.nodes_of_kind(kind)]


def project_key(title: str, countries: list[str], resolvers: Resolvers) -> str:
    """The key of a project: its first country and its title; a row that gives no
    country names the project already known under that title, never a country-less copy.

    >>> known = {"eau-a-kaya": "project:bf-eau-a-kaya"}
    >>> r = Resolvers(None, None, None, projects=known)  # type: ignore[arg-type]
    >>> project_key("Eau à Kaya", [], r), project_key("Eau à Kaya", ["country:BF"], r)
    ('project:bf-eau-a-kaya', 'project:bf-eau-a-kaya')
    >>> project_key("Autre projet", [], r)
    'project:xx-autre-projet'
    """
    slug = slugify(title)[:80]
    if countries:
        return f"project:{countries[0].split(':')[1].lower()}-{slug}"
    return resolvers.projects.get(slug, f"project:xx-{slug}")


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
    #: how the collectivité was found when it took more than its name (French)
    note: str = ""
    #: known partners the statement mentions without saying they are partners:
    #: (key, clause), for the user to judge
    possible: list[tuple[str, str]] = field(default_factory=list)


#: Cells a spreadsheet would run as a formula (« +cmd|… », « @SUM(… », « -2+3 »), but not
#: a phone number or a negative number.
FORMULA_START = re.compile(r"^[+\-@\t\r]")
FORMULA_BODY = re.compile(r"[A-Za-z|!=+*/]")
#: Control characters (NUL, BEL, ESC, the C1 range) and the bidirectional overrides that
#: make text read other than it is: never data. Tab, line feed and carriage return inside
#: a cell are whitespace.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Columns whose value names a node: it becomes a name and part of a key.
NAME_COLUMNS = ("collectivite", "partenaire", "nom", "projet", "structure")
MAX_NAME = 150
MAX_CELL = 5000


def is_formula(value: str) -> bool:
    """Whether a spreadsheet would run the cell as a formula.

    >>> [is_formula(v) for v in ("=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3")]
    [True, True, True, True]
    >>> [is_formula(v) for v in ("+33 5 49 00 00 00", "-12", "Poitiers", "+33 (0)5 49")]
    [False, False, False, False]
    """
    return value.startswith("=") or bool(FORMULA_START.match(value)
                                         and FORMULA_BODY.search(value, 1))


def review_key(row: dict[str, str]) -> str:
    """Same fact, same review item, whatever the file or line it comes from."""
    parts = [clean(row.get(c, "")) for c in ("collectivite", "departement", "type_collectivite",
                                              "type_relation", "partenaire", "pays", "periode")]
    return "review:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def check_cells(row: dict[str, str], result: RowResult, file: str,
                required: tuple[str, ...]) -> None:
    """Checks every template shares: no spreadsheet formula, required values present."""
    for column, value in row.items():
        for reason in cell_problems(column, value):
            result.errors.append(RowError(file=file, line=result.line, column=column,
                                          reason=reason))
    for column in required:
        if not row.get(column, "").strip():
            result.errors.append(RowError(file=file, line=result.line, column=column,
                                          reason="valeur obligatoire"))


@repeated(1 << 16)  # a file repeats its values: each checked once
def cell_problems(column: str, value: str) -> tuple[str, ...]:
    """What is wrong with one cell, in French (nothing: an empty tuple).

    >>> cell_problems("pays", "Sénégal"), len(cell_problems("collectivite", "=1+1"))
    ((), 1)
    """
    problems = []
    if is_formula(value):
        problems.append("formule de tableur refusée (la cellule doit contenir une valeur ; "
                        "une cellule qui commence par =, +, - ou @ est lue comme une formule)")
    control = CONTROL.search(value)
    if control:
        problems.append(f"caractère de contrôle U+{ord(control[0]):04X} refusé (invisible, il "
                        "rendrait les exports illisibles)")
    if "\ufffd" in value:
        problems.append("caractère de remplacement (U+FFFD, « \ufffd ») : le texte a été abîmé "
                        "par une conversion d'encodage ; corrigez la cellule")
    limit = MAX_NAME if column in NAME_COLUMNS else MAX_CELL
    if len(value) > limit:
        problems.append(f"texte trop long ({len(value)} caractères, {limit} au plus)")
    elif column in NAME_COLUMNS and value.strip() and not any(c.isalnum() for c in value):
        problems.append(f"« {value.strip()} » n'est pas un nom : ni lettre ni chiffre")
    damaged = damage(value) if column != "source" else None
    if damaged:
        problems.append(f"texte abîmé par un mauvais encodage (« {damaged} ») : corrigez la "
                        "cellule ou réenregistrez le fichier en UTF-8")
    return tuple(problems)


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


def new_partner(kind: NodeKind, name: str, prov: Provenance,
                stored: Container[str] = ()) -> Node:
    """An organisation or programme a file names for the first time: keyed by its name
    without the acronym that closes it, which it keeps as its acronym (« Association
    Poitiers Moundou (APM) » on one row, « Association Poitiers-Moundou » cited by
    another: one organisation, the first row's name, the other's as an alias). A base
    that already holds it under its whole name (as imported before this rule) keeps that
    key: importing a file again adds nothing."""
    base, acronym = split_acronym(name)
    whole = f"{kind.value}:{slugify(name)[:80]}"
    key = whole if acronym is None or whole in stored else f"{kind.value}:{slugify(base)[:80]}"
    return Node(key=key, name=name, provenance=prov,
                props={"category": UNKNOWN_CATEGORY, "acronym": acronym})
