"""Neo4j 5 store over Bolt. All Cypher of the project is in :mod:`graph.neo4j_cypher`.

Queries are named constants; labels and relationship types are filled in only from
the :class:`~graph.model.NodeKind` and :class:`~graph.model.RelType` whitelists, and
every value travels as a parameter. Writes are ``UNWIND $rows`` batches.

Tested against ArcadeDB's Bolt plugin as well as written for Neo4j 5. Where the two
differ we follow Neo4j; known differences are listed in ``docs/model.md``.
"""

from __future__ import annotations

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
    Relationship,
    RelType,
    ReviewItem,
    kind_of,
    normalize,
)
from graph.neo4j_cypher import (
    APPEND_AUDIT,
    APPEND_AUDIT_PART,
    AUDIT_PARTS,
    BUMP_GENERATION,
    CLEAR,
    CLEAR_REVIEW,
    CLOCK,
    COUNT_BY_KIND,
    COUNT_BY_TYPE,
    COUNT_NODES,
    CREATE_NODE,
    DELETE_AUDIT_PARTS,
    DELETE_NODE,
    DELETE_REL,
    DELETE_REVIEW,
    EXPORT_NODES,
    EXPORT_RELS,
    FIND_NODES,
    GENERATION,
    GET_NODES,
    GET_RELS,
    LIST_AUDIT,
    LIST_REVIEW,
    LOGGED_SINCE,
    MERGE_NODES,
    MERGE_RELS,
    MERGE_REVIEW,
    NEIGHBOURS_IN,
    NEIGHBOURS_OUT,
    NODES_OF_KIND,
    RELATIONSHIPS_TO,
    REPLACE_AUDIT,
    SCHEMA,
    SCHEMA_MARK,
    SCHEMA_VERSION,
    SET_SCHEMA_MARK,
    WHERE_PROPERTY,
)
from graph.store import (
    BaseStore,
    Direction,
    DuplicateKeyError,
    NodeRow,
    RelRow,
    StoreBusy,
    StoreUnavailable,
    check_page,
    check_where,
)
from graph.writelog import LOG_WINDOW_MS, LoggedWrite, log_entry

_NODE_META = ("key", "kind", "name", "name_norm", "source", "licence", "ingested_at")
_REL_META = ("key", "source", "licence", "ingested_at")


def _props(p: dict[str, Any], meta: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in meta}


#: characters per part of an audit entry: at most 4 bytes each in UTF-8, 4 MB a message
AUDIT_PART_CHARS = 1_000_000


def _parts(data: str) -> list[str]:
    return [data[i:i + AUDIT_PART_CHARS]
            for i in range(0, len(data), AUDIT_PART_CHARS)] or [""]


def _node(p: dict[str, Any]) -> Node:
    return Node.stored(p["key"], p["name"], _props(p, _NODE_META), p["source"], p["licence"],
                       p["ingested_at"])


def _rel(type_: str, p: dict[str, Any], start: str, end: str) -> Relationship:
    return Relationship.stored(p["key"], type_, start, end, _props(p, _REL_META), p["source"],
                               p["licence"], p["ingested_at"])


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
    def _transaction(self) -> Iterator[None]:
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
            written = self._run(MERGE_RELS.format(type=type_, start=start, end=end),
                                {"rows": rows}, write=True)
            if int(written[0]["written"]) < len(rows):
                # a row matched no node at one of its ends: say which (the transaction,
                # still open, is rolled back by the error)
                super()._check_endpoints([r for r in rels if r.key in
                                          {row["key"] for row in rows}])

    def _check_endpoints(self, rels: Sequence[Relationship]) -> None:
        """Checked by the write itself (no read before each batch: it cost as much as the
        write on a Bolt server)."""

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

    def nodes_of_kind(self, kind: NodeKind) -> list[Node]:
        return [_node(r["p"]) for r in self._run(NODES_OF_KIND.format(
            label=NodeKind(kind).label))]

    def relationships_to(self, keys: Sequence[str], types: Sequence[str]
                         ) -> list[Relationship]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for key in sorted(set(keys)):
            by_label[_label(key)].append(key)
        found = [_rel(r["type"], r["rp"], r["start"], r["end"])
                 for label, group in by_label.items()
                 for r in self._run(RELATIONSHIPS_TO.format(label=label), {
                     "keys": group, "types": [RelType(t).value for t in types]})]
        return sorted(found, key=lambda r: r.key)

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

    # -- deletes, review, audit ---------------------------------------------------------
    def _delete_node(self, key: str) -> bool:
        return bool(self._run(DELETE_NODE.format(label=_label(key)), {"key": key},
                              write=True)[0]["c"] > 0)

    def _delete_relationship(self, key: str) -> bool:
        type_ = key.split(":", 1)[0]
        return type_ in RelType.__members__ and bool(self._run(
            DELETE_REL.format(type=type_), {"key": key}, write=True)[0]["c"] > 0)

    def _put_review(self, items: Sequence[ReviewItem]) -> None:
        rows = [{"key": i.key, "status": i.status, "data": i.model_dump_json()} for i in items]
        self._run(MERGE_REVIEW, {"rows": rows}, write=True)

    def _delete_review(self, keys: Sequence[str]) -> None:
        self._run(DELETE_REVIEW, {"keys": list(keys)}, write=True)

    def _append_audit(self, entry_id: str, at: str, data: str) -> None:
        parts = _parts(data)
        self._run(APPEND_AUDIT, {"id": entry_id, "at": at, "data": parts[0],
                                 "parts": len(parts)}, write=True)
        self._append_parts(entry_id, parts)

    def _append_parts(self, entry_id: str, parts: list[str]) -> None:
        for n, part in enumerate(parts[1:], start=1):
            self._run(APPEND_AUDIT_PART, {"id": entry_id, "n": n, "data": part}, write=True)

    def _replace_audit(self, entry_id: str, data: str) -> None:
        parts = _parts(data)
        self._run(DELETE_AUDIT_PARTS, {"id": entry_id}, write=True)
        self._run(REPLACE_AUDIT, {"id": entry_id, "data": parts[0], "parts": len(parts)},
                  write=True)
        self._append_parts(entry_id, parts)

    def _audit_data(self) -> list[str]:
        return [str(r["data"]) if r["parts"] == 1 else str(r["data"]) + "".join(
            str(p["data"]) for p in self._run(AUDIT_PARTS, {"id": r["id"]}))
                for r in self._run(LIST_AUDIT)]

    def review_items(self, status: str | None = None) -> list[ReviewItem]:
        return [ReviewItem.model_validate_json(r["data"])
                for r in self._run(LIST_REVIEW, {"status": status})]

    def _clear(self) -> None:
        self._run(CLEAR_REVIEW, write=True)
        self._run(CLEAR, write=True)

    def close(self) -> None:
        self._driver.close()


def _node_props(n: Node) -> dict[str, Any]:
    return {**n.props, "key": n.key, "kind": n.kind.value, "name": n.name,
            "name_norm": normalize(n.name), "source": n.provenance.source,
            "licence": n.provenance.licence, "ingested_at": n.provenance.ingested_at}
