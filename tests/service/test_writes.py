"""Atomic create: of simultaneous creates of one key, exactly one succeeds; the others are
conflicts and nothing acknowledged is overwritten. On both stores."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from graph.model import NodeKind
from graph.store import GraphStore
from service.context import Conflict, Context
from service.schemas import NodeCreate
from service.writes import create_node


def test_simultaneous_creates_of_one_key(store: GraphStore) -> None:
    ctx = Context(store)

    def create(i: int) -> str:
        body = NodeCreate(kind=NodeKind.ORGANISATION, ident="meme-cle", name=f"version {i}",
                          source=f"essai {i}", licence="test")
        try:
            create_node(ctx, body, {NodeKind.ORGANISATION})
        except Conflict:
            return "conflit"
        return f"version {i}"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(create, range(10)))
    created = [o for o in outcomes if o != "conflit"]
    assert len(created) == 1
    node = store.get_node("organisation:meme-cle")
    assert node is not None and node.name == created[0]  # the acknowledged write stands
