"""The write log: what each committed write touched, kept a few minutes, so readers
update their projection instead of rebuilding it (see ``docs/architecture.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

#: A write naming more keys than this is logged as "everything changed" (readers rebuild).
LOG_MAX_KEYS = 1000
#: How far back a reader looks in the write log (ms): a write transaction longer than this
#: goes unnoticed by the log, the count shows it, and readers rebuild instead.
LOG_WINDOW_MS = 120_000


@dataclass(frozen=True)
class LoggedWrite:
    """One committed write as the store logged it: the keys it created, changed or
    deleted, or ``everything`` (a clear, a large import)."""

    id: str
    nodes: frozenset[str]
    rels: frozenset[str]
    everything: bool = False


@dataclass(frozen=True)
class WriteLog:
    """The writes logged since a time, read consistently with the store's generation:
    every write counted in ``generation`` and logged since then is listed, no other."""

    generation: int
    now_ms: int
    writes: tuple[LoggedWrite, ...]


def log_entry(nodes: Iterable[str], rels: Iterable[str], everything: bool = False
              ) -> tuple[list[str], list[str], bool]:
    """What a write logs: its keys, or only « everything » when they are too many."""
    node_keys, rel_keys = sorted(set(nodes)), sorted(set(rels))
    if everything or len(node_keys) + len(rel_keys) > LOG_MAX_KEYS:
        return [], [], True
    return node_keys, rel_keys, False


def new_writes(log: WriteLog | None, generation: int, seen: Set[str],
               max_keys: int) -> list[LoggedWrite] | None:
    """The writes a reader that saw ``generation`` (and the logged ``seen`` ids) misses,
    if the log accounts for all of them and they name at most ``max_keys`` keys; else
    ``None``: the reader rebuilds."""
    if log is None:
        return None
    new = [w for w in log.writes if w.id not in seen]
    if generation + len(new) != log.generation:
        return None  # writes the log does not list (pruned, or outside its window)
    if any(w.everything for w in new) or sum(len(w.nodes) + len(w.rels) for w in new) > max_keys:
        return None
    return new
