"""The one context every use case runs in: the store, its cached projection and evidence
index (both keyed by the store's generation), and the cache of computed answers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import networkx as nx

from graph.evidence import EvidenceIndex, build_index, focused, in_region, update_index
from graph.factory import open_store
from graph.model import Node
from graph.projection import ProjectionCache
from graph.store import GraphStore
from service.schemas import NodeRef
from service.settings import Settings

MAX_CACHED = 4096
#: the most relations a read may walk on the event loop (a profile with 20: 0.7 ms, ≤ 1.7)
SMALL_DEGREE = 20
#: Within one request, every use case sees one projection (and the index built from it),
#: even if a newer one is swapped in meanwhile. Outside a request scope (CLI, tests), each
#: call sees the latest.
_REQUEST: ContextVar[dict[int, tuple[nx.MultiDiGraph, EvidenceIndex]] | None] = ContextVar(
    "maillage_request", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Pin one projection per context for the duration of a request."""
    token = _REQUEST.set({})
    try:
        yield
    finally:
        _REQUEST.reset(token)


class NotFound(LookupError):
    """An unknown key, rule or code; the message is French."""


class Refused(ValueError):
    """A request the domain refuses (a kind that cannot be written there...); French."""


class Conflict(Exception):
    """A write that would overwrite an existing record; French."""


def _update_index(index: object, old: nx.MultiDiGraph, new: nx.MultiDiGraph,
                  touched: set[str]) -> EvidenceIndex:
    assert isinstance(index, EvidenceIndex)
    return update_index(index, old, new, touched)


class Context:
    """The store plus what is derived from it, rebuilt only when the store changed.

    The generation lives in the database, so a write from another process (an import
    from the command line while the API runs) invalidates these caches too.
    """

    def __init__(self, store: GraphStore, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._projection = ProjectionCache(derive=build_index, update=_update_index)
        self._lock = threading.Lock()
        # (body, computed from the projection?, the generation it holds for)
        self._answers: dict[tuple[str, tuple[Any, ...]], tuple[bytes, bool, int]] = {}

    @classmethod
    def open(cls, settings: Settings, who: str | None = None) -> Context:
        """The context on the configured store; ``who`` names its writes in the audit."""
        store = open_store(settings.store_url, settings.neo4j_user,
                           settings.neo4j_password.get_secret_value(), settings.neo4j_database,
                           settings.neo4j_retry_seconds)
        if who:
            store.who = who
        return cls(store, settings)

    def close(self) -> None:
        self.store.close()

    # -- derived data -------------------------------------------------------------------
    def _snapshot(self) -> tuple[nx.MultiDiGraph, EvidenceIndex]:
        pinned = _REQUEST.get()
        found = pinned.get(id(self)) if pinned is not None else None
        if found is None:
            graph, index = self._projection.snapshot(self.store)
            assert isinstance(index, EvidenceIndex)
            found = (graph, index)
            if pinned is not None:
                pinned[id(self)] = found
        return found

    def graph(self) -> nx.MultiDiGraph:
        return self._snapshot()[0]

    def index(self, scope: str = "region") -> EvidenceIndex:
        """The evidence index of :meth:`graph` (the same projection, in a request),
        built with it before it was published: the home région's network (the
        ``MAILLAGE_REGION`` setting), or every actor of France (``scope="france"``)."""
        graph, index = self._snapshot()
        return index if scope == "france" else focused(index, graph, self.region)

    @property
    def region(self) -> str:
        """The home région's INSEE code."""
        return self.settings.region

    @property
    def region_name(self) -> str:
        """« Nouvelle-Aquitaine », or the code when the store has no such région."""
        key = f"region:{self.region}"
        graph = self.graph()
        return str(graph.nodes[key].get("name")) if key in graph else self.region

    def in_region(self, key: str) -> bool:
        return in_region(self.graph(), key, self.region)

    # -- answers cache (JSON bodies of reads) -------------------------------------------
    def cached_json(self, name: str, args: tuple[Any, ...]) -> tuple[bytes | None, int]:
        """A read's JSON if still true, and the store generation seen (for :meth:`remember`).

        An answer read from the store holds until the next write; one computed from the
        projection holds while that projection is served: current, or being replaced
        (readers see it meanwhile anyway).

        In a request, the projection that shows the generation seen, if ready, is the one
        the request reads (no second look at the store's generation)."""
        seen = self.store.generation()
        pinned = _REQUEST.get()
        if pinned is not None and id(self) not in pinned:
            ready = self._projection.ready(seen)
            if ready is not None:
                assert isinstance(ready[1], EvidenceIndex)
                pinned[id(self)] = (ready[0], ready[1])
        with self._lock:
            entry = self._answers.get((name, args))
        if entry is None:
            return None, seen
        body, from_projection, generation = entry
        if not from_projection:
            return (body if generation == seen else None), seen
        current = self._projection.current_generation
        valid = generation == current and (current == seen or self._projection.rebuilding)
        return (body if valid else None), seen

    def forget_answers(self) -> None:
        """Drop every cached answer (after an erasure: none may quote what was erased)."""
        with self._lock:
            self._answers.clear()

    def remember(self, name: str, args: tuple[Any, ...], body: bytes, seen: int) -> None:
        """Keep an answer: under the projection it was computed from, if any (unless that
        projection is no longer the current one), else under the store generation seen
        before it was computed."""
        pinned = _REQUEST.get()
        found = pinned.get(id(self)) if pinned else None
        if found is not None:
            generation = self._projection.generation_of(found[0])
            if generation is None:
                return
            entry = (body, True, generation)
        else:
            entry = (body, False, seen)
        with self._lock:
            self._answers.pop((name, args), None)
            if len(self._answers) >= MAX_CACHED:
                self._answers.pop(next(iter(self._answers)))
            self._answers[(name, args)] = entry

    def small_read(self, key: str, generation: int) -> bool:
        """Whether a read about ``key`` is cheap enough to answer on the event loop rather
        than in a worker thread (whose hand-offs of the interpreter lock cost more than
        the read): the store is in this process, the projection shows ``generation`` (the
        store's, just read) and ``key`` has at most :data:`SMALL_DEGREE` relations in it
        (a read's work grows with them)."""
        if not self.store.in_process:
            return False
        ready = self._projection.ready(generation)
        return ready is not None and key in ready[0] and ready[0].degree(key) <= SMALL_DEGREE

    # -- look-ups -----------------------------------------------------------------------
    def known(self, key: str, what: str = "nœud inconnu") -> str:
        """``key`` if the graph has it; :class:`NotFound` otherwise."""
        if key not in self.graph():
            raise NotFound(f"{what} : {key}")
        return key

    def name(self, key: str) -> str:
        graph = self.graph()
        return str(graph.nodes[key]["name"]) if key in graph else key

    def ref(self, key: str) -> NodeRef:
        data = self.graph().nodes.get(key)
        if data is None:
            raise NotFound(f"nœud inconnu : {key}")
        return NodeRef(key=key, kind=str(data["kind"]), name=str(data["name"]))

    def need(self, key: str) -> Node:
        node = self.store.get_node(key)
        if node is None:
            raise NotFound(f"nœud inconnu : {key}")
        return node
