"""Neo4j 5 store over Bolt. All Cypher of the project lives in this module.

Queries are named constants; labels and relationship types are filled in only from
the :class:`~graph.model.NodeKind` and :class:`~graph.model.RelType` whitelists, and
every value travels as a parameter. Writes are ``UNWIND $rows`` batches.

Tested against ArcadeDB's Bolt plugin as well as written for Neo4j 5. Where the two
differ we follow Neo4j; known differences are listed in ``docs/model.md``.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j.exceptions import ConstraintError, ServiceUnavailable, SessionExpired, TransientError

from graph.model import (
    Counts,
    Neighbour,
    Node,
    NodeKind,
    Properties,
    Provenance,
    Relationship,
    RelType,
    ReviewItem,
    kind_of,
    normalize,
)
from graph.store import (
    LOG_WINDOW_MS,
    BaseStore,
    Direction,
    DuplicateKeyError,
    LoggedWrite,
    NodeRow,
    RelRow,
    StoreBusy,
    StoreUnavailable,
    check_page,
    check_where,
    log_entry,
)

# -- schema ----------------------------------------------------------------------------
CREATE_NODE_KEY_CONSTRAINT = (
    "CREATE CONSTRAINT {label}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE")
CREATE_NODE_NAME_INDEX = (
    "CREATE INDEX {label}_name IF NOT EXISTS FOR (n:{label}) ON (n.name_norm)")
CREATE_REL_KEY_INDEX = (
    "CREATE INDEX {type}_key IF NOT EXISTS FOR ()-[r:{type}]-() ON (r.key)")
CREATE_WRITE_AT_INDEX = "CREATE INDEX MaillageWrite_at IF NOT EXISTS FOR (n:MaillageWrite) ON (n.at)"
CREATE_META_CONSTRAINT = (
    "CREATE CONSTRAINT MaillageMeta_key IF NOT EXISTS FOR (n:MaillageMeta) REQUIRE n.key IS UNIQUE")

# -- writes ----------------------------------------------------------------------------
MERGE_NODES = "UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row.props"
# CREATE, not MERGE: with the key constraint, a concurrent create of the same key fails
CREATE_NODE = "CREATE (n:{label}) SET n = $props"
MERGE_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a:{start} {{key: row.start}}) "
    "MATCH (b:{end} {{key: row.end}}) "
    "MERGE (a)-[r:{type} {{key: row.key}}]->(b) "
    "SET r = row.props")
# One new node per write transaction, never one shared counter (no hot node; the count only
# grows), logging what the write touched for readers to update their projection from.
BUMP_GENERATION = ("CREATE (:MaillageWrite {id: $id, at: timestamp(), nodes: $nodes, "
                   "rels: $rels, everything: $everything})")
DELETE_NODE = (
    "MATCH (n:{label} {{key: $key}}) WITH n, n.key AS k DETACH DELETE n RETURN count(k) AS c")
DELETE_REL = (
    "MATCH ()-[r:{type} {{key: $key}}]->() WITH r, r.key AS k DELETE r RETURN count(k) AS c")
CLEAR = "MATCH (n) WHERE n.kind IS NOT NULL DETACH DELETE n"
CLEAR_REVIEW = "MATCH (n:ReviewItem) DELETE n"
CREATE_REVIEW_CONSTRAINT = (
    "CREATE CONSTRAINT ReviewItem_key IF NOT EXISTS FOR (n:ReviewItem) REQUIRE n.key IS UNIQUE")
MERGE_REVIEW = (
    "UNWIND $rows AS row MERGE (n:ReviewItem {key: row.key}) "
    "SET n.status = row.status, n.data = row.data")
LIST_REVIEW = (
    "MATCH (n:ReviewItem) WHERE $status IS NULL OR n.status = $status "
    "RETURN n.data AS data ORDER BY n.key")
# Constraints first: MERGE without them is slow, and they make keys unique.
SCHEMA = (
    CREATE_META_CONSTRAINT, CREATE_REVIEW_CONSTRAINT, CREATE_WRITE_AT_INDEX,
    *(q.format(label=kind.label) for kind in NodeKind
      for q in (CREATE_NODE_KEY_CONSTRAINT, CREATE_NODE_NAME_INDEX)),
    *(CREATE_REL_KEY_INDEX.format(type=t.value) for t in RelType))
SCHEMA_VERSION = hashlib.sha256("\n".join(SCHEMA).encode()).hexdigest()[:16]

# -- reads -----------------------------------------------------------------------------
GET_NODES = "MATCH (n:{label}) WHERE n.key IN $keys RETURN properties(n) AS p"
GET_RELS = (
    "MATCH (a)-[r:{type}]->(b) WHERE r.key IN $keys "
    "RETURN properties(r) AS p, a.key AS start, b.key AS end")
GENERATION = "MATCH (w:MaillageWrite) RETURN count(w) AS v"
CLOCK = "RETURN timestamp() AS now"
LOGGED_SINCE = (
    "MATCH (w:MaillageWrite) WHERE w.at >= $since "
    "RETURN w.id AS id, w.nodes AS nodes, w.rels AS rels, w.everything AS everything")
SCHEMA_MARK = "MATCH (m:MaillageMeta {key: 'schema'}) RETURN m.value AS v"
SET_SCHEMA_MARK = "MERGE (m:MaillageMeta {key: 'schema'}) SET m.value = $version"
FIND_NODES = (
    "MATCH (n{label}) WHERE n.kind IS NOT NULL "
    "AND ($text IS NULL OR n.name_norm CONTAINS $text) {where} "
    "RETURN properties(n) AS p ORDER BY n.key SKIP $offset LIMIT $limit")
COUNT_NODES = (
    "MATCH (n{label}) WHERE n.kind IS NOT NULL "
    "AND ($text IS NULL OR n.name_norm CONTAINS $text) {where} RETURN count(n) AS c")
# Dynamic property access n[$name] keeps the property name a parameter too.
WHERE_PROPERTY = "AND n[$w{i}] = $v{i}"
NEIGHBOURS_OUT = (
    "MATCH (n:{label} {{key: $key}})-[r]->(m) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN type(r) AS type, properties(r) AS rp, n.key AS start, m.key AS end, "
    "properties(m) AS mp ORDER BY r.key")
NEIGHBOURS_IN = (
    "MATCH (n:{label} {{key: $key}})<-[r]-(m) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN type(r) AS type, properties(r) AS rp, m.key AS start, n.key AS end, "
    "properties(m) AS mp ORDER BY r.key")
EXPORT_NODES = "MATCH (n) WHERE n.kind IS NOT NULL RETURN properties(n) AS p ORDER BY n.key"
EXPORT_RELS = (
    "MATCH (a)-[r]->(b) WHERE r.key IS NOT NULL "
    "RETURN type(r) AS type, properties(r) AS p, a.key AS start, b.key AS end ORDER BY r.key")
COUNT_BY_KIND = "MATCH (n) WHERE n.kind IS NOT NULL RETURN n.kind AS kind, count(*) AS c"
COUNT_BY_TYPE = "MATCH ()-[r]->() WHERE r.key IS NOT NULL RETURN type(r) AS type, count(*) AS c"

_NODE_META = ("key", "kind", "name", "name_norm", "source", "licence", "ingested_at")
_REL_META = ("key", "source", "licence", "ingested_at")


def _props(p: dict[str, Any], meta: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in meta}


def _node(p: dict[str, Any]) -> Node:
    return Node(key=p["key"], name=p["name"], props=_props(p, _NODE_META),
                provenance=Provenance(source=p["source"], licence=p["licence"],
                                      ingested_at=p["ingested_at"]))


def _rel(type_: str, p: dict[str, Any], start: str, end: str) -> Relationship:
    return Relationship(key=p["key"], type=RelType(type_), start=start, end=end,
                        props=_props(p, _REL_META),
                        provenance=Provenance(source=p["source"], licence=p["licence"],
                                              ingested_at=p["ingested_at"]))


RETRY_SECONDS = 3.0


def _unavailable(exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"le serveur Neo4j ne répond pas ({exc})")


def _label(key: str) -> str:
    return kind_of(key).label


class Neo4jStore(BaseStore):
    """Production store on Neo4j 5 (or any Bolt server speaking Neo4j 5 Cypher)."""

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 driver: Driver | None = None, retry_seconds: float = RETRY_SECONDS) -> None:
        self.url = uri
        self.database = database
        # Transient errors are retried a few seconds, not the driver's 30: a stopped
        # server must become a quick « base indisponible », not a hung request.
        self._driver = driver or GraphDatabase.driver(
            uri, auth=(user, password), max_transaction_retry_time=retry_seconds,
            connection_timeout=max(retry_seconds, 1.0))
        self._local = threading.local()

    # -- plumbing ------------------------------------------------------------------------
    @property
    def _tx(self) -> Any:
        return getattr(self._local, "tx", None)

    def _run(self, query: str, params: dict[str, Any] | None = None,
             write: bool = False) -> list[dict[str, Any]]:
        params = params or {}
        if self._tx is not None:
            return [record.data() for record in self._tx.run(query, params)]
        try:
            # a managed transaction: the driver retries it on transient errors
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self.database,
                routing_=RoutingControl.WRITE if write else RoutingControl.READ)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise _unavailable(exc) from None
        return [record.data() for record in records]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx is not None:
            yield
            return
        try:
            with self._driver.session(database=self.database) as session:
                tx = session.begin_transaction()
                self._local.tx = tx
                try:
                    yield
                except BaseException:
                    tx.rollback()
                    raise
                else:
                    tx.commit()
                finally:
                    self._local.tx = None
                    tx.close()
        except ConstraintError as exc:
            # another writer created the same key first: theirs stands
            raise DuplicateKeyError(f"clé déjà créée par une autre écriture : {exc.message}"
                                    ) from None
        except TransientError as exc:
            raise StoreBusy(f"écriture concurrente, à relancer : {exc.message}") from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise _unavailable(exc) from None

    def setup_schema(self) -> None:
        """Constraints and indexes, once: a store already at this schema costs one read."""
        if self._run(SCHEMA_MARK) == [{"v": SCHEMA_VERSION}]:
            return
        for statement in SCHEMA:
            self._run(statement, write=True)
        self._run(SET_SCHEMA_MARK, {"version": SCHEMA_VERSION}, write=True)

    # -- primitives ----------------------------------------------------------------------
    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            by_label[_label(key)].append(key)
        found: dict[str, Node] = {}
        for label, group in by_label.items():
            for row in self._run(GET_NODES.format(label=label), {"keys": group}):
                node = _node(row["p"])
                found[node.key] = node
        return found

    def _fetch_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]:
        by_type: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            type_ = key.split(":", 1)[0]
            if type_ in RelType.__members__:
                by_type[type_].append(key)
        found: dict[str, Relationship] = {}
        for type_, group in by_type.items():
            for row in self._run(GET_RELS.format(type=RelType(type_).value), {"keys": group}):
                rel = _rel(type_, row["p"], row["start"], row["end"])
                found[rel.key] = rel
        return found

    def _insert_node(self, node: Node) -> None:
        self._run(CREATE_NODE.format(label=node.kind.label), {"props": _node_props(node)},
                  write=True)

    def _write_nodes(self, nodes: Sequence[Node]) -> None:
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in nodes:
            by_label[n.kind.label].append({"key": n.key, "props": _node_props(n)})
        for label, rows in by_label.items():
            self._run(MERGE_NODES.format(label=label), {"rows": rows}, write=True)

    def _write_relationships(self, rels: Sequence[Relationship]) -> None:
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in rels:
            props = {**r.props, "key": r.key, "source": r.provenance.source,
                     "licence": r.provenance.licence, "ingested_at": r.provenance.ingested_at}
            groups[(r.type.value, _label(r.start), _label(r.end))].append(
                {"key": r.key, "start": r.start, "end": r.end, "props": props})
        for (type_, start, end), rows in groups.items():
            self._run(MERGE_RELS.format(type=type_, start=start, end=end), {"rows": rows},
                      write=True)

    def _bump_generation(self, nodes: Iterable[str] = (), rels: Iterable[str] = (),
                         everything: bool = False) -> None:
        node_keys, rel_keys, everything = log_entry(nodes, rels, everything)
        self._run(BUMP_GENERATION, {"id": uuid.uuid4().hex, "nodes": node_keys,
                                    "rels": rel_keys, "everything": everything}, write=True)

    def _logged_since(self, since_ms: int | None) -> tuple[int, list[LoggedWrite]]:
        now = int(self._run(CLOCK)[0]["now"])
        rows = self._run(LOGGED_SINCE, {"since": now - LOG_WINDOW_MS if since_ms is None
                                        else since_ms})
        # a write logged before the log held keys says nothing: rebuild
        return now, [LoggedWrite(str(r["id"]), frozenset(r["nodes"] or ()),
                                 frozenset(r["rels"] or ()),
                                 bool(r["everything"]) or r["id"] is None) for r in rows]

    def generation(self) -> int:
        rows = self._run(GENERATION)
        return int(rows[0]["v"]) if rows else 0

    # -- reads ---------------------------------------------------------------------------
    def _filters(self, kind: NodeKind | None, text: str | None,
                 where: Properties | None) -> tuple[str, str, dict[str, Any]]:
        label = f":{NodeKind(kind).label}" if kind is not None else ""
        params: dict[str, Any] = {"text": normalize(text) if text else None}
        clauses = []
        for i, (name, value) in enumerate(check_where(where).items()):
            clauses.append(WHERE_PROPERTY.format(i=i))
            params[f"w{i}"], params[f"v{i}"] = name, value
        return label, " ".join(clauses), params

    def find_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                   where: Properties | None = None, limit: int = 50,
                   offset: int = 0) -> list[Node]:
        check_page(limit, offset)
        label, clause, params = self._filters(kind, text, where)
        rows = self._run(FIND_NODES.format(label=label, where=clause),
                         {**params, "limit": limit, "offset": offset})
        return [_node(r["p"]) for r in rows]

    def count_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                    where: Properties | None = None) -> int:
        label, clause, params = self._filters(kind, text, where)
        return int(self._run(COUNT_NODES.format(label=label, where=clause), params)[0]["c"])

    def neighbours(self, key: str, types: Sequence[str] | None = None,
                   direction: Direction = "both") -> list[Neighbour]:
        label = _label(key)
        params = {"key": key, "types": [RelType(t).value for t in types] if types else None}
        queries = {"out": [(NEIGHBOURS_OUT, True)], "in": [(NEIGHBOURS_IN, False)],
                   "both": [(NEIGHBOURS_OUT, True), (NEIGHBOURS_IN, False)]}[direction]
        result = []
        for query, outgoing in queries:
            for row in self._run(query.format(label=label), params):
                result.append(Neighbour(relationship=_rel(row["type"], row["rp"], row["start"],
                                                          row["end"]),
                                        node=_node(row["mp"]), outgoing=outgoing))
        return result

    def export(self) -> tuple[list[Node], list[Relationship]]:
        nodes = [_node(r["p"]) for r in self._run(EXPORT_NODES)]
        rels = [_rel(r["type"], r["p"], r["start"], r["end"]) for r in self._run(EXPORT_RELS)]
        return nodes, rels

    def rows(self) -> tuple[list[NodeRow], list[RelRow]]:
        nodes = [NodeRow(p["key"], p["kind"], p["name"], _props(p, _NODE_META), p["source"],
                         p["licence"]) for p in (r["p"] for r in self._run(EXPORT_NODES))]
        rels = [RelRow(r["p"]["key"], r["type"], r["start"], r["end"], _props(r["p"], _REL_META),
                       r["p"]["source"], r["p"]["licence"]) for r in self._run(EXPORT_RELS)]
        return nodes, rels

    def counts(self) -> Counts:
        nodes = {r["kind"]: int(r["c"]) for r in self._run(COUNT_BY_KIND)}
        rels = {r["type"]: int(r["c"]) for r in self._run(COUNT_BY_TYPE)}
        return Counts(nodes=dict(sorted(nodes.items())), relationships=dict(sorted(rels.items())))

    # -- deletes -------------------------------------------------------------------------
    def delete_node(self, key: str) -> bool:
        with self.transaction():
            gone = self._run(DELETE_NODE.format(label=_label(key)), {"key": key},
                             write=True)[0]["c"] > 0
            if gone:
                self._bump_generation(nodes=[key])
        return bool(gone)

    def delete_relationship(self, key: str) -> bool:
        type_ = key.split(":", 1)[0]
        if type_ not in RelType.__members__:
            return False
        with self.transaction():
            gone = self._run(DELETE_REL.format(type=type_), {"key": key}, write=True)[0]["c"] > 0
            if gone:
                self._bump_generation(rels=[key])
        return bool(gone)

    def put_review_items(self, items: Sequence[ReviewItem]) -> None:
        rows = [{"key": i.key, "status": i.status, "data": i.model_dump_json()} for i in items]
        with self.transaction():
            self._run(MERGE_REVIEW, {"rows": rows}, write=True)

    def review_items(self, status: str | None = None) -> list[ReviewItem]:
        return [ReviewItem.model_validate_json(r["data"])
                for r in self._run(LIST_REVIEW, {"status": status})]

    def clear(self) -> None:
        with self.transaction():
            self._run(CLEAR_REVIEW, write=True)
            self._run(CLEAR, write=True)
            self._bump_generation(everything=True)

    def close(self) -> None:
        self._driver.close()


def _node_props(n: Node) -> dict[str, Any]:
    return {**n.props, "key": n.key, "kind": n.kind.value, "name": n.name,
            "name_norm": normalize(n.name), "source": n.provenance.source,
            "licence": n.provenance.licence, "ingested_at": n.provenance.ingested_at}
