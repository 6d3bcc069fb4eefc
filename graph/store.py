"""The store port: one interface, two adapters (SQLite embedded, Neo4j).

The adapters only know how to read and write records; what an upsert means
(merge on key, created / updated / unchanged, endpoints must exist) lives here
once, in :class:`BaseStore`, so both stores behave the same.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from typing import Any, Literal, NamedTuple, Protocol, TypeVar, runtime_checkable

from graph.audit import AuditEntry
from graph.model import (
    PROPERTY_NAME,
    Counts,
    Neighbour,
    Node,
    NodeKind,
    Properties,
    Relationship,
    ReviewItem,
    UpsertSummary,
)
from graph.unit_of_work import UnitOfWork
from graph.writelog import LoggedWrite, WriteLog

Direction = Literal["out", "in", "both"]
Action = Literal["create", "update", "unchanged"]
MAX_PAGE = 1000
T = TypeVar("T")
class NodeRow(NamedTuple):
    """A node as stored, for the projection: not validated again (it was when written)."""

    key: str
    kind: str
    name: str
    props: dict[str, Any]
    source: str
    licence: str
    ingested_at: str


class RelRow(NamedTuple):
    """A relationship as stored, for the projection."""

    key: str
    type: str
    start: str
    end: str
    props: dict[str, Any]
    source: str
    licence: str


class StoreError(Exception):
    """A store refused an operation; the message is in French for the user."""


class MissingEndpointError(StoreError):
    pass


class DuplicateKeyError(StoreError):
    """Two writers created the same key at once: the later one is refused."""


class StoreBusy(StoreError):
    """A transient conflict with another writer (a broken deadlock): run the work again."""


class StoreUnavailable(StoreError):
    """The database does not answer (server stopped, unreachable, file unreadable)."""


def retrying(work: Callable[[], T], attempts: int = 6) -> T:
    """Run a unit of work, again after a transient conflict (short growing pauses)."""
    for attempt in range(attempts):
        try:
            return work()
        except StoreBusy:
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * 2 ** attempt)
    raise AssertionError("unreachable")


@runtime_checkable
class GraphStore(Protocol):
    """What every store offers. See :class:`BaseStore` for the semantics."""

    url: str
    in_process: bool  # reads answered in this process: no network round trip to wait on

    def setup_schema(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def upsert_nodes(self, nodes: Iterable[Node], batch_size: int = 500) -> UpsertSummary: ...
    def upsert_relationships(self, rels: Iterable[Relationship],
                             batch_size: int = 500) -> UpsertSummary: ...
    def plan_nodes(self, nodes: Sequence[Node]) -> dict[str, Action]: ...
    def plan_relationships(self, rels: Sequence[Relationship]) -> dict[str, Action]: ...
    def get_node(self, key: str) -> Node | None: ...
    def create_node(self, node: Node) -> None: ...
    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]: ...
    def existing_keys(self, keys: Sequence[str]) -> set[str]: ...
    def get_relationship(self, key: str) -> Relationship | None: ...
    def get_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]: ...
    def delete_node(self, key: str) -> bool: ...
    def delete_nodes(self, keys: Sequence[str]) -> int: ...
    def delete_relationship(self, key: str) -> bool: ...
    def delete_relationships(self, keys: Sequence[str]) -> int: ...
    def find_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                   where: Properties | None = None, limit: int = 50,
                   offset: int = 0) -> list[Node]: ...
    def count_nodes(self, kind: NodeKind | None = None, text: str | None = None,
                    where: Properties | None = None) -> int: ...
    def nodes_of_kind(self, kind: NodeKind) -> list[Node]: ...
    def relationships_to(self, keys: Sequence[str], types: Sequence[str]
                         ) -> list[Relationship]: ...
    def neighbours(self, key: str, types: Sequence[str] | None = None,
                   direction: Direction = "both") -> list[Neighbour]: ...
    def export(self) -> tuple[list[Node], list[Relationship]]: ...
    def rows(self) -> tuple[list[NodeRow], list[RelRow]]: ...
    def streamed_rows(self) -> AbstractContextManager[
        tuple[Iterator[NodeRow], Iterator[RelRow]]]: ...
    def counts(self) -> Counts: ...
    def generation(self) -> int: ...
    def write_log(self, since_ms: int | None = None) -> WriteLog | None: ...
    def put_review_items(self, items: Sequence[ReviewItem]) -> None: ...
    def review_items(self, status: str | None = None) -> list[ReviewItem]: ...
    def delete_review_items(self, keys: Sequence[str]) -> None: ...
    who: str

    def audited(self, action: str, who: str | None = None, label: str = "",
                images: bool = True, keys: bool = True) -> AbstractContextManager[AuditEntry]: ...
    def audit_entries(self, changes: bool | Callable[[AuditEntry], bool] = True
                      ) -> list[AuditEntry]: ...
    def replace_audit_entry(self, entry: AuditEntry) -> None: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def check_page(limit: int, offset: int) -> None:
    if not 0 < limit <= MAX_PAGE:
        raise StoreError(f"taille de page invalide : {limit} (entre 1 et {MAX_PAGE})")
    if offset < 0:
        raise StoreError(f"décalage invalide : {offset}")


def check_where(where: Properties | None) -> dict[str, str | int | float | bool]:
    """Property filters are equalities on scalar values, with checked property names."""
    checked: dict[str, str | int | float | bool] = {}
    for name, value in (where or {}).items():
        if not PROPERTY_NAME.match(name):
            raise StoreError(f"nom de propriété invalide dans le filtre : « {name} »")
        if not isinstance(value, str | int | float | bool):
            raise StoreError(f"le filtre « {name} » attend une valeur simple")
        checked[name] = value
    return checked


class BaseStore(UnitOfWork):
    """Upsert semantics shared by the adapters.

    Adapters implement the ``_fetch_*``, ``_write_*`` and ``_delete_*`` primitives and the
    queries; writes happen inside :meth:`transaction` so a whole import commits or
    nothing does, with its audit entry.
    """

    url: str
    in_process = False

    # -- primitives the adapters provide -------------------------------------------------
    @abc.abstractmethod
    def _delete_node(self, key: str) -> bool: ...
    @abc.abstractmethod
    def _delete_relationship(self, key: str) -> bool: ...
    @abc.abstractmethod
    def _put_review(self, items: Sequence[ReviewItem]) -> None: ...
    @abc.abstractmethod
    def _delete_review(self, keys: Sequence[str]) -> None: ...
    @abc.abstractmethod
    def review_items(self, status: str | None = None) -> list[ReviewItem]: ...
    @abc.abstractmethod
    def _clear(self) -> None:
        """Delete every node, relation and review item (not the audit trail)."""
    @abc.abstractmethod
    def neighbours(self, key: str, types: Sequence[str] | None = None,
                   direction: Direction = "both") -> list[Neighbour]: ...
    @abc.abstractmethod
    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]: ...
    @abc.abstractmethod
    def _fetch_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]: ...
    @abc.abstractmethod
    def _write_nodes(self, nodes: Sequence[Node], created: Collection[str] = ()) -> None:
        """Write ``nodes``; ``created``: the keys this transaction read as absent."""
    @abc.abstractmethod
    def _write_relationships(self, rels: Sequence[Relationship],
                             created: Collection[str] = ()) -> None: ...
    @abc.abstractmethod
    def _bump_generation(self, nodes: Iterable[str] = (), rels: Iterable[str] = (),
                         everything: bool = False) -> None:
        """Count one more write and log what it touched, in the write's transaction."""
    @abc.abstractmethod
    def generation(self) -> int: ...
    @abc.abstractmethod
    def _logged_since(self, since_ms: int | None) -> tuple[int, list[LoggedWrite]]:
        """The store's clock (ms) and the logged writes from ``since_ms`` (default: the
        clock less :data:`LOG_WINDOW_MS`)."""

    def _check_endpoints(self, rels: Sequence[Relationship]) -> None:
        """Refuse relations whose ends the store lacks, before writing them (an adapter
        whose write says what it could not tie may check after instead)."""
        endpoints = sorted({r.start for r in rels} | {r.end for r in rels})
        found = self.existing_keys(endpoints)
        missing = [k for k in endpoints if k not in found]
        if missing:
            raise MissingEndpointError("relation vers un nœud absent : " + ", ".join(missing[:5]))

    @abc.abstractmethod
    def rows(self) -> tuple[list[NodeRow], list[RelRow]]:
        """Every record as stored, one commit, without building models."""

    @contextmanager
    def streamed_rows(self) -> Iterator[tuple[Iterator[NodeRow], Iterator[RelRow]]]:
        """Every record as stored, for one pass inside the block (here: :meth:`rows`)."""
        nodes, rels = self.rows()
        yield iter(nodes), iter(rels)

    def write_log(self, since_ms: int | None = None) -> WriteLog | None:
        """The writes logged since ``since_ms``, or ``None`` if writers kept the read
        from being consistent (the caller rebuilds from :meth:`export` instead)."""
        for _ in range(3):
            # the same count before and after: the list holds exactly the counted writes
            before = self.generation()
            now, writes = self._logged_since(since_ms)
            if self.generation() == before:
                return WriteLog(before, now, tuple(writes))
        return None

    # -- shared semantics ----------------------------------------------------------------
    def get_node(self, key: str) -> Node | None:
        return self.get_nodes([key]).get(key)

    def get_relationship(self, key: str) -> Relationship | None:
        return self._fetch_relationships([key]).get(key)

    def create_node(self, node: Node) -> None:
        """Create a node that must not exist yet: :class:`DuplicateKeyError` otherwise,
        also when another writer creates the same key at the same moment (never an
        overwrite of an acknowledged write)."""
        with self.transaction():
            if self.get_nodes([node.key]):
                raise DuplicateKeyError(f"le nœud {node.key} existe déjà")
            self._insert_node(node)
            self._record("node", [(node.key, None, node)])
            self._bump_generation(nodes=[node.key])

    def _insert_node(self, node: Node) -> None:
        # stores whose transaction takes the write lock at its start need no more
        self._write_nodes([node])

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        """The keys of ``keys`` that name a stored node (adapters may answer without
        reading the records)."""
        return set(self.get_nodes(keys))

    def get_relationships(self, keys: Sequence[str]) -> dict[str, Relationship]:
        return self._fetch_relationships(sorted(set(keys)))

    def plan_nodes(self, nodes: Sequence[Node]) -> dict[str, Action]:
        return self._plan_nodes(nodes)[0]

    def _plan_nodes(self, nodes: Sequence[Node]) -> tuple[dict[str, Action], dict[str, Node]]:
        existing = self.get_nodes(sorted({n.key for n in nodes}))
        return {n.key: _action(existing.get(n.key), n) for n in nodes}, existing

    def plan_relationships(self, rels: Sequence[Relationship]) -> dict[str, Action]:
        return self._plan_relationships(rels)[0]

    def _plan_relationships(self, rels: Sequence[Relationship]
                            ) -> tuple[dict[str, Action], dict[str, Relationship]]:
        existing = self._fetch_relationships(sorted({r.key for r in rels}))
        return {r.key: _action(existing.get(r.key), r) for r in rels}, existing

    def upsert_nodes(self, nodes: Iterable[Node], batch_size: int = 500) -> UpsertSummary:
        summary = UpsertSummary()
        touched: list[str] = []
        with self.transaction():
            for batch in batched(_last_wins(nodes), batch_size):
                plan, old = self._plan_nodes(batch)
                changed = [n for n in batch if plan[n.key] != "unchanged"]
                if changed:
                    self._write_nodes(changed, {k for k, a in plan.items() if a == "create"})
                    self._record("node", [(n.key, old.get(n.key), n) for n in changed])
                    touched.extend(n.key for n in changed)
                summary += _summarise(plan)
            if touched:
                self._bump_generation(nodes=touched)
        return summary

    def upsert_relationships(self, rels: Iterable[Relationship],
                             batch_size: int = 500) -> UpsertSummary:
        summary = UpsertSummary()
        touched: list[str] = []
        with self.transaction():
            for batch in batched(_last_wins(rels), batch_size):
                self._check_endpoints(batch)
                plan, old_rels = self._plan_relationships(batch)
                changed = [r for r in batch if plan[r.key] != "unchanged"]
                if changed:
                    self._write_relationships(changed, {k for k, a in plan.items() if a == "create"})
                    self._record("rel", [(r.key, old_rels.get(r.key), r) for r in changed])
                    touched.extend(r.key for r in changed)
                summary += _summarise(plan)
            if touched:
                self._bump_generation(rels=touched)
        return summary

    def delete_node(self, key: str) -> bool:
        """Delete a node and its relations; ``False`` if there was none."""
        return bool(self.delete_nodes([key]))

    def delete_nodes(self, keys: Sequence[str]) -> int:
        """Delete nodes and their relations in one write; how many there were."""
        with self.transaction():
            old = self.get_nodes(sorted(set(keys)))
            for key, node in old.items():
                rels = [nb.relationship for nb in self.neighbours(key)]
                self._delete_node(key)
                self._record("rel", [(r.key, r, None) for r in rels])
                self._record("node", [(key, node, None)])
            if old:
                self._bump_generation(nodes=sorted(old))
        return len(old)

    def delete_relationship(self, key: str) -> bool:
        return bool(self.delete_relationships([key]))

    def delete_relationships(self, keys: Sequence[str]) -> int:
        with self.transaction():
            old = self._fetch_relationships(sorted(set(keys)))
            gone = [k for k in old if self._delete_relationship(k)]
            self._record("rel", [(k, old[k], None) for k in gone])
            if gone:
                self._bump_generation(rels=gone)
        return len(gone)

    def put_review_items(self, items: Sequence[ReviewItem]) -> None:
        with self.transaction():
            old = {i.key: i for i in self.review_items()}
            self._put_review(items)
            self._record("review", [(i.key, old.get(i.key), i) for i in items
                                    if old.get(i.key) != i])

    def delete_review_items(self, keys: Sequence[str]) -> None:
        with self.transaction():
            old = {i.key: i for i in self.review_items()}
            self._delete_review(keys)
            self._record("review", [(k, old[k], None) for k in keys if k in old])

    def clear(self) -> None:
        with self.transaction():
            self._record_everything()
            self._clear()
            self._bump_generation(everything=True)


_R = TypeVar("_R", Node, Relationship)


def _last_wins(items: Iterable[_R]) -> Iterator[_R]:
    """Deduplicate by key inside one call (the last record wins), keeping order."""
    seen: dict[str, _R] = {}
    for item in items:
        seen.pop(item.key, None)
        seen[item.key] = item
    return iter(seen.values())


def _action(old: Node | Relationship | None, new: Node | Relationship) -> Action:
    if old is None:
        return "create"
    return "unchanged" if old.content() == new.content() else "update"


def _summarise(plan: dict[str, Action]) -> UpsertSummary:
    values = list(plan.values())
    return UpsertSummary(created=values.count("create"), updated=values.count("update"),
                         unchanged=values.count("unchanged"))
