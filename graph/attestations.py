"""A fact keeps every source that attests it.

A relationship stated by several sources (the bundled facts, then a user's spreadsheet
restating them) is one relationship with several *attestations*: where it was read (file
and line, or API call), the source address, licence, statement, period, and when it was
imported. Merging a new statement into a known relationship adds or refreshes its own
attestation and never drops another's, nor any property.

Attestations are stored in the ``attestations`` property as JSON texts, so both stores keep
them without a schema of their own (Neo4j properties cannot hold maps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graph.model import Node, Properties, PropValue, Provenance, Relationship

#: Properties that describe one statement, not the fact: each attestation keeps its own.
STATEMENT_PROPS = ("origin", "statement", "period")


@dataclass(frozen=True)
class Attestation:
    origin: str
    source: str
    licence: str
    statement: str | None = None
    period: str | None = None
    at: str = ""

    def same_statement(self, other: Attestation) -> bool:
        return (self.origin, self.source, self.licence, self.statement, self.period) == (
            other.origin, other.source, other.licence, other.statement, other.period)


def attestations(rel: Relationship) -> list[Attestation]:
    """The attestations of a relationship; one made from its provenance when it has none.

    >>> from graph.model import Provenance
    >>> r = Relationship(type="TWINNED_WITH", start="commune:1", end="territory:x",
    ...                  props={"origin": "a.csv:2"}, provenance=Provenance(
    ...                      source="https://a", licence="CC0", ingested_at="2026-01-01"))
    >>> [(a.origin, a.source) for a in attestations(r)]
    [('a.csv:2', 'https://a')]
    """
    raw = rel.props.get("attestations")
    if isinstance(raw, list) and raw:
        return [Attestation(**json.loads(str(text))) for text in raw]
    return [_own(rel.props, rel.provenance)]


def _own(props: Properties, provenance: Provenance) -> Attestation:
    """The attestation of one statement: its provenance, origin, text and period."""
    return Attestation(origin=str(props.get("origin") or provenance.source),
                       source=provenance.source, licence=provenance.licence,
                       statement=_text(props.get("statement")),
                       period=_text(props.get("period")), at=provenance.ingested_at)


def attesting(props: Properties, provenance: Provenance) -> Properties:
    """``props`` of a new statement with its own attestation written out: what
    :func:`attested` gives, without making the relationship twice (once per fact of an
    import).

    >>> from graph.model import Provenance
    >>> prov = Provenance(source="https://a", licence="CC0", ingested_at="2026-01-01")
    >>> r = Relationship(type="TWINNED_WITH", start="commune:1", end="territory:x",
    ...                  props={"origin": "a.csv:2", "period": None}, provenance=prov)
    >>> attesting({"origin": "a.csv:2", "period": None}, prov) == {
    ...     "period": None, **attested(r).props}
    True
    """
    return {**props, "attestations": _encode([_own(props, provenance)])}


def _text(value: PropValue) -> str | None:
    return None if value in (None, "") else str(value)


def _encode(items: list[Attestation]) -> list[str]:
    ordered = sorted(items, key=lambda a: (a.at, a.origin))
    # vars(): the fields as they are (asdict deep-copies, once per fact of an import)
    return [json.dumps(vars(a), ensure_ascii=False, sort_keys=True) for a in ordered]


def attested(rel: Relationship) -> Relationship:
    """``rel`` with its attestations written out (its own, from its provenance)."""
    return rel.model_copy(update={"props": {**rel.props, "attestations":
                                            _encode(attestations(rel))}})


def _merge_value(old: PropValue, new: PropValue) -> PropValue:
    if old in (None, "", []):
        return new
    if isinstance(old, list) and isinstance(new, list):
        if set(new) <= set(old):
            return old
        merged: list[Any] = sorted(set(old) | set(new))
        return merged
    return old


def merge(old: Relationship, new: Relationship) -> Relationship:
    """One relationship out of a known one and a new statement of it.

    The known provenance stays; the new attestation is added (or refreshes the one with
    the same origin); properties the new statement adds are added, lists are united,
    and no property of the known relationship is lost or overwritten.

    >>> from graph.model import Provenance
    >>> def rel(origin, source, **props):
    ...     return attested(Relationship(
    ...         type="TWINNED_WITH", start="commune:1", end="territory:x",
    ...         props={"origin": origin, **props},
    ...         provenance=Provenance(source=source, licence="CC0", ingested_at=origin)))
    >>> both = merge(rel("a.csv:2", "https://a", years=[1961], countries=["DE"]),
    ...              rel("b.csv:9", "https://b", years=[2023]))
    >>> both.provenance.source, both.props["years"], both.props["countries"]
    ('https://a', [1961, 2023], ['DE'])
    >>> [a.origin for a in attestations(both)]
    ['a.csv:2', 'b.csv:9']
    """
    known = attestations(old)
    incoming = attestations(new)
    kept = [a for a in known if all(a.origin != b.origin or a.same_statement(b)
                                    for b in incoming)]
    for a in incoming:
        if not any(a.same_statement(k) for k in kept):
            kept.append(a)
    props: dict[str, PropValue] = dict(old.props)
    for name, value in new.props.items():
        if name == "attestations" or name in STATEMENT_PROPS:
            props.setdefault(name, value)
            continue
        props[name] = _merge_value(props.get(name), value)
    props["attestations"] = _encode(kept)
    return old.model_copy(update={"props": props})


def property_sources(node: Node) -> dict[str, str]:
    """Which source set each property of a node (those set since sources are tracked)."""
    raw = node.props.get("prop_sources")
    if not isinstance(raw, list):
        return {}
    return dict(str(item).split("=", 1) for item in raw if "=" in str(item))


def merge_node(old: Node, new: Node, removed: frozenset[str] = frozenset()) -> Node:
    """A known node updated by a new statement of it: the new values win, each property
    remembers the source that set it, nothing absent from the statement is dropped (only
    the ``removed`` names, as a JSON merge patch's ``null`` asks), and the node keeps its
    first provenance.

    >>> from graph.model import Provenance
    >>> old = Node(key="project:x", name="X", props={"budget": 10, "status": "en cours"},
    ...            provenance=Provenance(source="a.csv:2", licence="CC0"))
    >>> new = Node(key="project:x", name="X", props={"budget": 12},
    ...            provenance=Provenance(source="b.csv:5", licence="CC0"))
    >>> merged = merge_node(old, new)
    >>> merged.props["budget"], merged.props["status"], merged.provenance.source
    (12, 'en cours', 'a.csv:2')
    >>> property_sources(merged)
    {'budget': 'b.csv:5'}
    """
    sources = property_sources(old)
    props: dict[str, PropValue] = {k: v for k, v in old.props.items()
                                   if k != "prop_sources" and k not in removed}
    for name, value in new.props.items():
        if name == "prop_sources" or value in (None, "", []):
            continue
        if props.get(name) != value:
            props[name] = value
            sources[name] = new.provenance.source
    for name in removed:
        sources[name] = new.provenance.source
    if sources:
        props["prop_sources"] = sorted(f"{k}={v}" for k, v in sources.items())
    return old.model_copy(update={"name": new.name or old.name, "props": props})
