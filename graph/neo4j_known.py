"""What a Bolt write transaction already knows, so that it does not ask the server again.

Each look-up by ``key IN $keys`` is a round trip and an index seek per key; within one
transaction, the element ids of nodes it read or created, and the relations it wrote,
are known here. Nothing outlives the transaction: element ids are only stable within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Known:
    """Node element ids read or created by this transaction, and what it created."""

    ids: dict[str, str] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    #: the transaction counted no node in the store: a key it did not create is absent
    empty: bool = False

    def absent(self, rel_key: str) -> bool:
        """A relation that cannot exist yet: its start node was created by this
        transaction, which has not written it (nobody else sees that node before commit).

        >>> k = Known(created={"commune:86194"})
        >>> k.absent("LOCATED_IN:commune:86194>departement:86")
        True
        >>> k.written.add("LOCATED_IN:commune:86194>departement:86")
        >>> k.absent("LOCATED_IN:commune:86194>departement:86")
        False
        >>> k.absent("LOCATED_IN:commune:79191>departement:79")
        False
        """
        _, _, ends = rel_key.partition(":")
        parts = ends.split(">")
        # a start holding ">" is ambiguous: asked for, as before
        return len(parts) == 2 and parts[0] in self.created and rel_key not in self.written

    def forget(self, keys: set[str] | None = None) -> None:
        """Forget some nodes (deleted), or everything (the store was cleared)."""
        if keys is None:
            self.ids.clear()
            self.created.clear()
            self.written.clear()
            return
        for key in keys:
            self.ids.pop(key, None)
            self.created.discard(key)
