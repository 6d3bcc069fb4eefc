"""Units of work that leave a trace: every outermost transaction that changes something
writes one :class:`graph.audit.AuditEntry`, in the same transaction (a write and its
audit commit together or not at all).

:class:`graph.store.BaseStore` builds on this; adapters provide the primitives.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from graph.audit import (
    MAX_LISTED_KEYS,
    PACKED,
    AuditEntry,
    Record,
    RecordKind,
    changes_json,
    counted,
    new_entry_id,
    pack,
    unpack,
)
from graph.model import now_iso


@dataclass
class _Op:
    """The write being assembled in the current outermost transaction."""

    entry: AuditEntry
    named: bool = False
    images: bool = True
    listed: bool = True
    everything: bool = False
    #: (kind, key) → [first before, last after]
    changes: dict[tuple[RecordKind, str], list[Record | None]] = field(default_factory=dict)


class _State(threading.local):
    def __init__(self) -> None:
        self.ops: dict[int, _Op] = {}


_STATE = _State()


class UnitOfWork(abc.ABC):
    """Transactions with an audit trail (the adapter provides :meth:`_transaction`)."""

    #: who writes through this store, as the audit names them (set by the entry point)
    who: str = "système"

    @abc.abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """The adapter's outermost transaction: commit on exit, roll back on error."""
    @abc.abstractmethod
    def _append_audit(self, entry_id: str, at: str, data: str) -> None: ...
    @abc.abstractmethod
    def _audit_data(self) -> list[str]:
        """Every entry's JSON, oldest first."""
    @abc.abstractmethod
    def _replace_audit(self, entry_id: str, data: str) -> None: ...

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A unit of work: nested calls join the outer one; an exception rolls all back;
        the outermost one, if it changed anything, leaves one audit entry."""
        ops = _STATE.ops
        if id(self) in ops:
            yield
            return
        with self._transaction():
            op = ops[id(self)] = _Op(AuditEntry(id=new_entry_id(), at="", who=self.who))
            try:
                yield
                self._flush_audit(op)
            finally:
                del ops[id(self)]

    @contextmanager
    def audited(self, action: str, who: str | None = None, label: str = "",
                images: bool = True, keys: bool = True) -> Iterator[AuditEntry]:
        """A transaction whose audit entry says who did what (``images=False``: the records
        before and after are not kept, for reference loads: such a write cannot be undone;
        ``keys=False``: not even which records, for an erasure). Inside another audited
        transaction, the outer one names the write."""
        with self.transaction():
            op = _STATE.ops[id(self)]
            if not op.named:
                op.named, op.images, op.listed = True, images, keys
                op.entry.action, op.entry.label = action, label
                op.entry.who = who or self.who
            yield op.entry

    def _record(self, kind: RecordKind,
                pairs: Iterable[tuple[str, Record | None, Record | None]]) -> None:
        """Note records changed by the current write (before, after)."""
        changes = _STATE.ops[id(self)].changes
        for key, before, after in pairs:
            slot = changes.get((kind, key))
            if slot is None:
                changes[(kind, key)] = [before, after]
            else:
                slot[1] = after

    def _record_everything(self) -> None:
        _STATE.ops[id(self)].everything = True

    def _flush_audit(self, op: _Op) -> None:
        images = op.images and not op.everything
        # without images (a reference load), only what happened is counted, cheaply; with
        # them, the records are serialised as they are (validated when they were made)
        changes = [(kind, key, before, after)
                   for (kind, key), (before, after) in op.changes.items()
                   if (before is not None or after is not None)
                   and not (images and before == after)]
        if not changes and not op.everything:
            return  # nothing changed: not a write
        entry = op.entry
        entry.at = now_iso()
        counts: dict[str, int] = {}
        for kind, _, before, after in changes:
            what = counted(kind, before is None, after is None)
            counts[what] = counts.get(what, 0) + 1
        entry.counts = counts
        keys = sorted({key for _, key, _, _ in changes})
        entry.keys = keys if op.listed and len(keys) <= MAX_LISTED_KEYS else []
        entry.undoable = images
        # the entry a caller holds says who, when and what; its records are in the store
        self._append_audit(entry.id, entry.at, pack(
            entry, changes_json(changes) if images else None))

    def audit_entries(self, changes: bool | Callable[[AuditEntry], bool] = True
                      ) -> list[AuditEntry]:
        """The audit trail, oldest first; ``changes``: whether to read each entry's records
        before and after (a listing need not: a national import's weigh tens of MB), or
        which entries' to read, judged from their summary."""
        entries = []
        for data in self._audit_data():
            entry = unpack(data, changes=changes is True)
            if callable(changes) and data.startswith(PACKED) and changes(entry):
                entry = unpack(data)
            entries.append(entry)
        return entries

    def replace_audit_entry(self, entry: AuditEntry) -> None:
        """Rewrite an entry (an erasure removes personal data from the trail)."""
        with self.transaction():
            self._replace_audit(entry.id, pack(entry))


