"""What the texts and properties of a record may hold: checked when a record is made
(:mod:`graph.model`), and said to the API's schema as patterns."""

from __future__ import annotations

import re

# Property names are written into Neo4j as property keys and into SQLite JSON paths:
# only plain identifiers are accepted, so no user value ever becomes syntax.
PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED = frozenset({"key", "kind", "name", "name_norm", "type", "start", "end",
                      "source", "licence", "ingested_at"})
#: The same rule as one pattern, for the API schema (a reserved name is not a property).
PROPERTY_NAME_PATTERN = (f"^(?!({'|'.join(sorted(RESERVED))})$)"
                         + PROPERTY_NAME.pattern.removeprefix("^"))

Scalar = str | int | float | bool
PropValue = Scalar | list[str] | list[int] | list[float] | None
Properties = dict[str, PropValue]

#: Characters no text of the graph may hold: control characters (XML cannot carry them:
#: the GraphML export would not parse) and the bidirectional overrides.
FORBIDDEN_CLASS = (r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                   r"\ufffe\uffff")
FORBIDDEN_CHARS = re.compile(f"[{FORBIDDEN_CLASS}]")
#: The same rule as a whole-text pattern, for the API schema (Python and ECMA regex alike).
TEXT_PATTERN = f"^[^{FORBIDDEN_CLASS}]*$"


def check_text(value: str, what: str) -> str:
    """``value`` if it holds no :data:`FORBIDDEN_CHARS`; a French ``ValueError`` otherwise.

    >>> check_text("Atakpamé", "nom")
    'Atakpamé'
    >>> check_text("Mar\x07burg", "nom")
    Traceback (most recent call last):
    ...
    ValueError: nom : caractère de contrôle U+0007 refusé
    """
    found = FORBIDDEN_CHARS.search(value)
    if found:
        raise ValueError(f"{what} : caractère de contrôle U+{ord(found[0]):04X} refusé")
    return value


def check_properties(props: Properties) -> Properties:
    """``props`` without its empty values, or a French ``ValueError``: a name that is not
    a plain identifier or is reserved, a list of mixed types, a forbidden character.

    >>> check_properties({"years": [1961, 2023], "note": None, "aliases": []})
    {'years': [1961, 2023]}
    >>> check_properties({"key": "x"})
    Traceback (most recent call last):
    ...
    ValueError: nom de propriété invalide ou réservé : « key »
    """
    # Neo4j drops null properties; drop them here too so both stores agree.
    kept: dict[str, PropValue] = {}
    for name, value in props.items():
        if name not in _NAMES_SEEN:
            if not PROPERTY_NAME.match(name) or name in RESERVED:
                raise ValueError(f"nom de propriété invalide ou réservé : « {name} »")
            if len(_NAMES_SEEN) < 10_000:  # a record's names repeat; callers' are unbounded
                _NAMES_SEEN.add(name)
        if isinstance(value, list):
            if not value:
                continue
            first = type(value[0])
            if any(type(v) is not first for v in value):
                raise ValueError(f"la liste « {name} » mélange plusieurs types")
            if first is str:
                for item in value:
                    if FORBIDDEN_CHARS.search(item):  # type: ignore[arg-type]
                        check_text(item, f"propriété « {name} »")  # type: ignore[arg-type]
        elif value is None:
            continue
        elif isinstance(value, str) and FORBIDDEN_CHARS.search(value):
            check_text(value, f"propriété « {name} »")
        kept[name] = value
    return kept


#: property names already accepted by :func:`check_properties` (a national import checks
#: the same dozen names on every record)
_NAMES_SEEN: set[str] = set()
