"""Helpers the test modules share: a small sample graph and record builders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.model import Node, Provenance, Relationship, RelType
from graph.store import GraphStore
from ingest.reference.load import table_rows

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore

PROV = Provenance(source="tests/fixture.csv:2", licence="Licence Ouverte")


def node(key: str, name: str, **props: object) -> Node:
    return Node(key=key, name=name, props=props, provenance=PROV)  # type: ignore[arg-type]


def rel(type_: RelType, start: str, end: str, **props: object) -> Relationship:
    return Relationship(type=type_, start=start, end=end, props=props,  # type: ignore[arg-type]
                        provenance=PROV)


def sample() -> tuple[list[Node], list[Relationship]]:
    nodes = [
        node("region:75", "Nouvelle-Aquitaine"),
        node("departement:86", "Vienne", code="86"),
        node("commune:86194", "Poitiers", insee="86194", population=88665, basin="Loire-Bretagne"),
        node("commune:79191", "Niort", insee="79191", population=59005),
        node("epci:200069854", "CU du Grand Poitiers", siren="200069854"),
        node("country:BF", "Burkina Faso"),
        node("theme:eau", "Eau et assainissement", tags=["eau", "assainissement"]),
    ]
    rels = [
        rel(RelType.LOCATED_IN, "commune:86194", "departement:86"),
        rel(RelType.LOCATED_IN, "departement:86", "region:75"),
        rel(RelType.MEMBER_OF, "commune:86194", "epci:200069854", since=2017),
        rel(RelType.COOPERATES_WITH, "commune:86194", "country:BF", since=2003, role="lead"),
        rel(RelType.COOPERATES_WITH, "commune:79191", "country:BF"),
    ]
    return nodes, rels


def load(store: GraphStore) -> None:
    nodes, rels = sample()
    with store.transaction():
        store.upsert_nodes(nodes)
        store.upsert_relationships(rels)




def bundled_rows(name: str) -> int:
    """Data rows of a bundled reference table: expected counts follow a data refresh."""
    return len(table_rows(name))


def sent_queries(store: Neo4jStore) -> list[str]:
    """The Cypher statements ``store`` sends from now on, in order (its transaction's
    worker included)."""
    sent: list[str] = []
    run = store._run

    def counting(query: str, params: dict[str, Any] | None = None,
                 write: bool = False) -> list[dict[str, Any]]:
        sent.append(query)
        return run(query, params, write)

    store._run = counting  # type: ignore[method-assign]
    return sent
