"""Neo4j 5 store over Bolt. All Cypher of the project is in :mod:`graph.neo4j_cypher`.

Queries are named constants; labels and relationship types are filled in only from
the :class:`~graph.model.NodeKind` and :class:`~graph.model.RelType` whitelists, and
every value travels as a parameter. Writes are ``UNWIND $rows`` batches.

Tested against ArcadeDB's Bolt plugin as well as written for Neo4j 5. Where the two
differ we follow Neo4j; known differences are listed in ``docs/model.md``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

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
    CREATE_NODES,
    CREATE_RELS,
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
    MERGE_RELS,
    MERGE_REVIEW,
    NEIGHBOURS_IN,
    NEIGHBOURS_OUT,
    NODE_IDS,
    NODES_OF_KIND,
    RELATIONSHIPS_TO,
    REPLACE_AUDIT,
    SCHEMA,
    SCHEMA_MARK,
    SCHEMA_VERSION,
    SET_SCHEMA_MARK,
    UPDATE_NODES,
    WHERE_PROPERTY,
)
from graph.neo4j_records import NODE_META, REL_META, audit_parts, in_chunks, own_props
from graph.neo4j_records import node_props as _node_props
from graph.neo4j_records import node_record as _node
from graph.neo4j_records import rel_record as _rel
from graph.neo4j_session import BoltSession
from graph.store import (
    BaseStore,
    Direction,
    NodeRow,
    RelRow,
    check_page,
    check_where,
)
from graph.writelog import LOG_WINDOW_MS, LoggedWrite, log_entry


def _label(key: str) -> str:
    return kind_of(key).label


class Neo4jStore(BoltSession, BaseStore):
    """Production store on Neo4j 5 (or any Bolt server speaking Neo4j 5 Cypher)."""

    def setup_schema(self) -> None:
        """Constraints and indexes, once: a store already at this schema costs one read."""
        if self._run(SCHEMA_MARK) == [{"v": SCHEMA_VERSION}]:
            return
        for statement in SCHEMA:
            self._run(statement, write=True)
        self._run(SET_SCHEMA_MARK, {"version": SCHEMA_VERSION}, write=True)

    # -- primitives ----------------------------------------------------------------------
    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        known = self._known
        if known.empty:  # nothing was stored when it began: only what it created is
            keys = [k for k in keys if k in known.created]
        if not keys:
            return {}  # not even a turn in the queue: writes before it may still be running
        by_label: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            by_label[_label(key)].append(key)

        def fetch() -> dict[str, Node]:
            found: dict[str, Node] = {}
            ids = self._known.ids  # on the worker: only it touches the ids
            for label, group in in_chunks(by_label):
                for row in self._run(GET_NODES.format(label=label), {"keys": group}):
                    node = _node(row["p"])
                    found[node.key], ids[node.key] = node, row["id"]
            return found
        return self._job(fetch)

    def _fetch_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]:
        # by the index on the relation key (36 ms for 500 keys on ArcadeDB; from their
        # start nodes, 660 ms), and not at all for relations this transaction knows absent
        wanted: dict[str, list[str]] = defaultdict(list)
        known = self._known
        for key in keys:
            type_ = key.partition(":")[0]
            if type_ in RelType.__members__ and not known.absent(key):
                wanted[type_].append(key)
        found: dict[str, Relationship] = {}
        for type_, group in wanted.items():
            for row in self._run(GET_RELS.format(type=type_), {"keys": group}):
                rel = _rel(type_, row["p"], row["start"], row["end"])
                found[rel.key] = rel
        return found

    def _insert_node(self, node: Node) -> None:
        self._run(CREATE_NODE.format(label=node.kind.label), {"props": _node_props(node)}, write=True)

    def _ids(self, keys: Iterable[str]) -> dict[str, str]:
        """Element ids by key, of the nodes that exist: asked only for those this
        transaction has not read or created."""
        ids = self._known.ids
        by_label: dict[str, list[str]] = defaultdict(list)
        for key in sorted(set(keys) - ids.keys()):
            by_label[_label(key)].append(key)
        for label, group in by_label.items():
            ids.update((row["key"], row["id"])
                       for row in self._run(NODE_IDS.format(label=label), {"keys": group}))
        return ids

    def _write_nodes(self, nodes: Sequence[Node], created: Collection[str] = ()) -> None:
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for n in nodes:
            by_label[n.kind.label][n.key] = _node_props(n)
        self._known.created.update(created)  # created by this write, or it fails

        def write() -> None:
            ids = self._ids(n.key for n in nodes if n.key not in created)  # read absent
            for label, props in by_label.items():
                new = [{"props": p} for key, p in props.items() if key not in ids]
                old = {key: p for key, p in props.items() if key in ids}
                if new:  # the key constraint refuses a concurrent create of the same key
                    made = self._run(CREATE_NODES.format(label=label), {"rows": new}, write=True)
                    ids.update((row["key"], row["id"]) for row in made)
                    self._known.created.update(row["key"] for row in made)
                if old:
                    self._run(UPDATE_NODES.format(label=label), {"keys": list(old), "props": old},
                              write=True)
        self._send(write)

    def _write_relationships(self, rels: Sequence[Relationship],
                             created: Collection[str] = ()) -> None:
        # ``created`` is not trusted here: without a lock, another transaction may create
        # the same relation meanwhile (Neo4j Community has no key constraint on relations)
        known = self._known
        # a relation this transaction knows absent is created, not merged (no match first)
        groups: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        for r in rels:
            props = {**r.props, "key": r.key, "source": r.provenance.source,
                     "licence": r.provenance.licence, "ingested_at": r.provenance.ingested_at}
            how = CREATE_RELS if known.absent(r.key) else MERGE_RELS
            groups[(how, r.type.value)].append((r.start, r.end, props))
        known.written.update(r.key for r in rels)

        def write() -> None:
            ids = self._ids(k for r in rels for k in (r.start, r.end))
            if any(r.start not in ids or r.end not in ids for r in rels):
                BaseStore._check_endpoints(self, rels)  # says which (all is rolled back)
            for (how, type_), ends in groups.items():
                rows = [{"start": ids[s], "end": ids[e], "props": p} for s, e, p in ends]
                tied = self._run(how.format(type=type_), {"rows": rows}, write=True)
                if tied[0]["c"] != len(rows):  # an end deleted by another writer meanwhile
                    BaseStore._check_endpoints(self, rels)
        if all(r.start in known.created and r.end in known.created for r in rels):
            self._send(write)  # ends nobody else sees yet: the write cannot miss one
        else:
            self._job(write)  # a missing end is said here, to the caller

    def _check_endpoints(self, rels: Sequence[Relationship]) -> None:
        """Checked by the write itself, from the ids it reads (no read before each batch)."""

    def _bump_generation(self, nodes: Iterable[str] = (), rels: Iterable[str] = (),
                         everything: bool = False) -> None:
        node_keys, rel_keys, everything = log_entry(nodes, rels, everything)
        params = {"id": uuid.uuid4().hex, "nodes": node_keys, "rels": rel_keys,
                  "everything": everything}
        self._send(lambda: self._run(BUMP_GENERATION, params, write=True))

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
                 for label, group in in_chunks(by_label)
                 for r in self._run(RELATIONSHIPS_TO.format(label=label), {
                     "keys": group, "types": [RelType(t).value for t in types]})]
        return sorted(found, key=lambda r: r.key)

    def count_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                    where: Properties | None = None) -> int:
        label, clause, params = self._filters(kind, text, where)
        count = int(self._run(COUNT_NODES.format(label=label, where=clause), params)[0]["c"])
        if count == 0 and (kind, text, where) == (None, None, None) and self._tx is not None:
            # this transaction saw no node: it need not ask for those it did not create (a
            # concurrent create of the same key fails on the key constraint, all rolled back)
            self._known.empty = True
        return count

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
        nodes = [NodeRow(p["key"], p["kind"], p["name"], own_props(p, NODE_META), p["source"],
                         p["licence"], p["ingested_at"])
                 for p in (r["p"] for r in self._run(EXPORT_NODES))]
        rels = [RelRow(r["p"]["key"], r["type"], r["start"], r["end"], own_props(r["p"], REL_META),
                       r["p"]["source"], r["p"]["licence"]) for r in self._run(EXPORT_RELS)]
        return nodes, rels

    def counts(self) -> Counts:
        nodes = {r["kind"]: int(r["c"]) for r in self._run(COUNT_BY_KIND)}
        rels = {r["type"]: int(r["c"]) for r in self._run(COUNT_BY_TYPE)}
        return Counts(nodes=dict(sorted(nodes.items())), relationships=dict(sorted(rels.items())))

    # -- deletes, review, audit ---------------------------------------------------------
    def _delete_node(self, key: str) -> bool:
        self._job(lambda: self._known.forget({key}))
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
        parts = audit_parts(data)
        self._run(APPEND_AUDIT, {"id": entry_id, "at": at, "data": parts[0],
                                 "parts": len(parts)}, write=True)
        self._append_parts(entry_id, parts)

    def _append_parts(self, entry_id: str, parts: list[str]) -> None:
        for n, part in enumerate(parts[1:], start=1):
            self._run(APPEND_AUDIT_PART, {"id": entry_id, "n": n, "data": part}, write=True)

    def _replace_audit(self, entry_id: str, data: str) -> None:
        parts = audit_parts(data)
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
        self._job(self._known.forget)
        self._run(CLEAR_REVIEW, write=True)
        self._run(CLEAR, write=True)

    def close(self) -> None:
        self._driver.close()
