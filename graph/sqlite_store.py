"""Embedded store on SQLite: a real on-disk database, no server to install.

WAL journal, one transaction per unit of work, properties as JSON. All SQL of the
project lives in this module and in :mod:`graph.sqlite_sql` (the schema, the upserts).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic_core import to_json

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
from graph.sqlite_sql import (
    INSERT_NODE,
    INSERT_REL,
    NODE_COLUMNS,
    REL_COLUMNS,
    SCHEMA,
    UPSERT_NODE,
    UPSERT_REL,
)
from graph.store import (
    BaseStore,
    Direction,
    NodeRow,
    RelRow,
    StoreBusy,
    check_page,
    check_where,
)
from graph.writelog import LOG_WINDOW_MS, LoggedWrite, log_entry

# SQLite allows 32766 host parameters; stay well below it.
IN_CHUNK = 900
#: A write of this many records or more gets a page cache of BULK_CACHE_KIB (negative:
#: KiB, as SQLite counts it) until its transaction ends; SQLite's default otherwise.
BULK_ROWS = 400
BULK_CACHE_KIB = -65536
DEFAULT_CACHE_KIB = -2000
#: Log entries older than this (ms) are dropped; readers that far behind rebuild.
LOG_KEEP_MS = 10 * LOG_WINDOW_MS


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _props_text(props: Properties) -> str:
    """Properties as stored: compact JSON, written by pydantic-core (a national import
    writes 70,000 of them: 4 µs each with ``json.dumps``, 1 µs here)."""
    return to_json(props).decode()


def _node(row: sqlite3.Row) -> Node:
    return Node.stored(row["key"], row["name"], json.loads(row["props"]), row["source"],
                       row["licence"], row["ingested_at"])


def _rel(row: sqlite3.Row) -> Relationship:
    return Relationship.stored(row["key"], row["type"], row["start"], row["end"],
                               json.loads(row["props"]), row["source"], row["licence"],
                               row["ingested_at"])


class SqliteStore(BaseStore):
    """The embedded default store."""

    in_process = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per thread (the API serves from a thread pool): in WAL, readers
        # on their own connections read the last commit and never wait for a writer. The
        # lock keeps this process's writers in line (SQLite has one writer anyway).
        self._lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._conn.execute("PRAGMA journal_mode = WAL")
        self.setup_schema()

    @property
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA busy_timeout = 5000")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    # -- unit of work --------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A unit of work: nested calls join the outer one; an exception rolls all back."""
        with self._lock:
            depth: int = getattr(self._local, "depth", 0)
            if depth:
                self._local.depth = depth + 1
                try:
                    yield
                finally:
                    self._local.depth = depth
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:  # another process holds the write lock
                raise StoreBusy(f"base occupée par une autre écriture, à relancer : {exc}"
                                ) from None
            self._local.depth = 1
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._local.depth = 0
                if getattr(self._local, "bulk", False):
                    self._conn.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_KIB}")
                    self._local.bulk = False

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Several reads that see one commit (inside a write, they see the write)."""
        if getattr(self._local, "depth", 0):
            yield
            return
        self._conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def setup_schema(self) -> None:
        with self._lock:
            self._conn.executescript(SCHEMA)

    # -- primitives ----------------------------------------------------------------------
    def _in_chunks(self, sql: str, keys: Sequence[str]) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for i in range(0, len(keys), IN_CHUNK):
            chunk = keys[i:i + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows.extend(self._query(sql.format(marks=marks), chunk))
        return rows

    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        rows = self._in_chunks(f"SELECT {NODE_COLUMNS} FROM nodes WHERE key IN ({{marks}})",
                               list(keys))
        return {row["key"]: _node(row) for row in rows}

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        return {row["key"] for row in self._in_chunks(
            "SELECT key FROM nodes WHERE key IN ({marks})", list(keys))}

    def _fetch_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]:
        rows = self._in_chunks(f"SELECT {REL_COLUMNS} FROM rels WHERE key IN ({{marks}})",
                               list(keys))
        return {row["key"]: _rel(row) for row in rows}

    def _write_nodes(self, nodes: Sequence[Node], created: Collection[str] = ()) -> None:
        self._write(INSERT_NODE, UPSERT_NODE, created, [
            (n.key, n.kind.value, n.name, normalize(n.name),
             _props_text(n.props), n.provenance.source,
             n.provenance.licence, n.provenance.ingested_at) for n in nodes])

    def _write_relationships(self, rels: Sequence[Relationship],
                             created: Collection[str] = ()) -> None:
        self._write(INSERT_REL, UPSERT_REL, created, [
            (r.key, r.type.value, r.start, r.end, _props_text(r.props),
             r.provenance.source, r.provenance.licence, r.provenance.ingested_at)
            for r in rels])

    def _write(self, insert: str, upsert: str, created: Collection[str],
               rows: list[tuple[Any, ...]]) -> None:
        with self._lock:
            if len(rows) >= BULK_ROWS and not getattr(self._local, "bulk", False):
                # a big write touches index pages all over the base: a larger page cache
                # for this transaction only (reset when it ends)
                self._conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
                self._local.bulk = True
            self._conn.executemany(insert, [row for row in rows if row[0] in created])
            self._conn.executemany(upsert, [row for row in rows if row[0] not in created])

    def _bump_generation(self, nodes: Iterable[str] = (), rels: Iterable[str] = (),
                         everything: bool = False) -> None:
        node_keys, rel_keys, everything = log_entry(nodes, rels, everything)
        now = _now_ms()
        self._query("UPDATE meta SET v = v + 1 WHERE k = 'generation'")
        self._query("INSERT INTO writes (generation, at, nodes, rels, everything) "
                    "SELECT v, ?, ?, ?, ? FROM meta WHERE k = 'generation'",
                    (now, json.dumps(node_keys), json.dumps(rel_keys), int(everything)))
        self._query("DELETE FROM writes WHERE at < ?", (now - LOG_KEEP_MS,))

    def _logged_since(self, since_ms: int | None) -> tuple[int, list[LoggedWrite]]:
        now = _now_ms()
        rows = self._query("SELECT generation, nodes, rels, everything FROM writes "
                           "WHERE at >= ? ORDER BY generation",
                           (now - LOG_WINDOW_MS if since_ms is None else since_ms,))
        return now, [LoggedWrite(str(r["generation"]), frozenset(json.loads(r["nodes"])),
                                 frozenset(json.loads(r["rels"])), bool(r["everything"]))
                     for r in rows]

    def generation(self) -> int:
        return int(self._query("SELECT v FROM meta WHERE k = 'generation'")[0]["v"])

    # -- reads ---------------------------------------------------------------------------
    def _filters(self, kind: NodeKind | None, text: str | None,
                 where: Properties | None) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(NodeKind(kind).value)
        if text:
            clauses.append("name_norm LIKE ? ESCAPE '\\'")
            escaped = normalize(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        for name, value in check_where(where).items():
            # The name is a checked identifier, passed as a parameter all the same.
            clauses.append("json_extract(props, '$.' || ?) = ?")
            params.extend([name, value])
        return " AND ".join(clauses), params

    def find_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                   where: Properties | None = None, limit: int = 50,
                   offset: int = 0) -> list[Node]:
        check_page(limit, offset)
        clause, params = self._filters(kind, text, where)
        rows = self._query(f"SELECT {NODE_COLUMNS} FROM nodes WHERE {clause} "
                           "ORDER BY key LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_node(r) for r in rows]

    def nodes_of_kind(self, kind: NodeKind) -> list[Node]:
        rows = self._query(f"SELECT {NODE_COLUMNS} FROM nodes WHERE kind = ? ORDER BY key",
                           [NodeKind(kind).value])
        return [_node(r) for r in rows]

    def relationships_to(self, keys: Sequence[str], types: Sequence[str]
                         ) -> list[Relationship]:
        """The relations of these types ending at these nodes, in key order (one read per
        900 keys: an import asks for every foreign place it names)."""
        wanted = ",".join(f"'{RelType(t).value}'" for t in types)  # checked names only
        rows = self._in_chunks(f'SELECT {REL_COLUMNS} FROM rels WHERE "end" IN ({{marks}}) '
                               f"AND type IN ({wanted})", sorted(set(keys)))
        return sorted((_rel(r) for r in rows), key=lambda r: r.key)

    def count_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                    where: Properties | None = None) -> int:
        clause, params = self._filters(kind, text, where)
        return int(self._query(f"SELECT count(*) AS c FROM nodes WHERE {clause}", params)[0]["c"])

    def neighbours(self, key: str, types: Sequence[str] | None = None,
                   direction: Direction = "both") -> list[Neighbour]:
        kind_of(key)
        wanted = [RelType(t).value for t in types] if types else None
        sides = {"out": [("start", "end")], "in": [("end", "start")],
                 "both": [("start", "end"), ("end", "start")]}[direction]
        # both sides in one statement: one read of one commit, outgoing first
        selects, params = [], []
        for side, (here, there) in enumerate(sides):
            type_clause = ""
            params.append(key)
            if wanted:
                type_clause = f" AND r.type IN ({','.join('?' * len(wanted))})"
                params.extend(wanted)
            selects.append(
                f'SELECT {int(here == "start")} AS outgoing, {side} AS side, r.key AS key, r.type, '
                f'r.start, r."end", r.props, r.source, r.licence, r.ingested_at, '
                f'n.key AS n_key, n.name AS n_name, n.props AS n_props, '
                f'n.source AS n_source, n.licence AS n_licence, n.ingested_at AS n_ing '
                f'FROM rels r JOIN nodes n ON n.key = r."{there}" '
                f'WHERE r."{here}" = ?{type_clause}')
        rows = self._query(" UNION ALL ".join(selects) + " ORDER BY side, key", params)
        return [Neighbour(relationship=_rel(row), outgoing=bool(row["outgoing"]),
                          node=Node.stored(row["n_key"], row["n_name"],
                                           json.loads(row["n_props"]), row["n_source"],
                                           row["n_licence"], row["n_ing"]))
                for row in rows]

    def export(self) -> tuple[list[Node], list[Relationship]]:
        with self._snapshot():
            nodes = [_node(r) for r in self._query(f"SELECT {NODE_COLUMNS} FROM nodes ORDER BY key")]
            rels = [_rel(r) for r in self._query(f"SELECT {REL_COLUMNS} FROM rels ORDER BY key")]
        return nodes, rels

    def rows(self) -> tuple[list[NodeRow], list[RelRow]]:
        """Every record as stored, one commit, without building models."""
        with self.streamed_rows() as (nodes, rels):
            return list(nodes), list(rels)

    @contextmanager
    def streamed_rows(self) -> Iterator[tuple[Iterator[NodeRow], Iterator[RelRow]]]:
        """Every record as stored, read from the cursors as they are consumed inside the
        block, all of one commit (the projection's path: the national graph is never held
        twice, as rows and as a graph)."""
        def loads(text: str) -> dict[str, Any]:
            # most geography rows have no property: no parse for them
            return {} if text == "{}" else json.loads(text)

        with self._snapshot():
            yield ((NodeRow(k, kind, name, loads(props), source, licence, at)
                    for k, kind, name, props, source, licence, at in self._conn.execute(
                        "SELECT key, kind, name, props, source, licence, ingested_at FROM nodes "
                        "ORDER BY key")),
                   (RelRow(k, type_, start, end, loads(props), source, licence)
                    for k, type_, start, end, props, source, licence in self._conn.execute(
                        'SELECT key, type, start, "end", props, source, licence FROM rels '
                        "ORDER BY key")))

    def counts(self) -> Counts:
        with self._snapshot():
            nodes = self._query("SELECT kind, count(*) AS c FROM nodes GROUP BY kind ORDER BY kind")
            rels = self._query("SELECT type, count(*) AS c FROM rels GROUP BY type ORDER BY type")
        return Counts(nodes={r["kind"]: r["c"] for r in nodes},
                      relationships={r["type"]: r["c"] for r in rels})

    # -- deletes, review, audit ---------------------------------------------------------
    def _delete_node(self, key: str) -> bool:
        return self._conn.execute("DELETE FROM nodes WHERE key = ?", (key,)).rowcount > 0

    def _delete_relationship(self, key: str) -> bool:
        return self._conn.execute("DELETE FROM rels WHERE key = ?", (key,)).rowcount > 0

    def _put_review(self, items: Sequence[ReviewItem]) -> None:
        self._conn.executemany(
            "INSERT INTO review (key, status, data) VALUES (?, ?, ?) ON CONFLICT (key) "
            "DO UPDATE SET status = excluded.status, data = excluded.data",
            [(i.key, i.status, i.model_dump_json()) for i in items])

    def _delete_review(self, keys: Sequence[str]) -> None:
        self._conn.executemany("DELETE FROM review WHERE key = ?", [(k,) for k in keys])

    def _append_audit(self, entry_id: str, at: str, data: str) -> None:
        self._conn.execute("INSERT INTO audit (id, at, data) VALUES (?, ?, ?)",
                           (entry_id, at, data))

    def _replace_audit(self, entry_id: str, data: str) -> None:
        self._conn.execute("UPDATE audit SET data = ? WHERE id = ?", (data, entry_id))

    def _audit_data(self) -> list[str]:
        return [r["data"] for r in self._query("SELECT data FROM audit ORDER BY rowid")]

    def review_items(self, status: str | None = None) -> list[ReviewItem]:
        rows = self._query("SELECT data FROM review WHERE ? IS NULL OR status = ? ORDER BY key",
                           (status, status))
        return [ReviewItem.model_validate_json(r["data"]) for r in rows]

    def _clear(self) -> None:
        self._conn.execute("DELETE FROM review")
        self._conn.execute("DELETE FROM rels")
        self._conn.execute("DELETE FROM nodes")

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._local = threading.local()

