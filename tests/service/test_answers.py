"""Cached reads: requests that need the same answer at once compute it once."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore
from service import context as context_module
from service.api.deps import answer
from service.context import Context
from tests.helpers import load, node


def _context(tmp_path: Path) -> Context:
    store = SqliteStore(tmp_path / "a.db")
    load(store)
    return Context(store)


def test_simultaneous_requests_compute_once(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    calls: list[int] = []
    lock = threading.Lock()

    def compute() -> dict[str, int]:
        with lock:
            calls.append(1)
        time.sleep(0.2)  # long enough for every request to arrive meanwhile
        return {"n": len(calls)}

    async def many() -> list[bytes]:
        answers = await asyncio.gather(*(answer(ctx, "essai", (1,), compute)
                                         for _ in range(8)))
        return [bytes(a.body) for a in answers]

    bodies = asyncio.run(many())
    assert len(calls) == 1 and set(bodies) == {b'{"n":1}'}
    # another argument is another answer
    asyncio.run(answer(ctx, "essai", (2,), compute))
    assert len(calls) == 2
    ctx.close()


def test_a_failed_computation_is_not_shared(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.1)
        if len(calls) == 1:
            raise LookupError("la première échoue")
        return {"n": len(calls)}

    async def two() -> tuple[object, object]:
        return await asyncio.gather(answer(ctx, "essai", (), compute),
                                    answer(ctx, "essai", (), compute),
                                    return_exceptions=True)

    first, second = asyncio.run(two())
    assert isinstance(first, LookupError)
    # the waiter computed it itself rather than inherit an error that was not its own
    assert not isinstance(second, BaseException) and len(calls) == 2
    ctx.close()


def test_small_reads_are_answered_on_the_event_loop(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context(tmp_path)
    monkeypatch.setattr(context_module, "SMALL_DEGREE", 2)
    seen = ctx.store.generation()
    # no projection yet: building it is not small
    assert not ctx.small_read("commune:79191", seen)
    ctx.graph()
    assert ctx.small_read("commune:79191", seen)  # one relation
    assert not ctx.small_read("commune:86194", seen)  # three
    assert not ctx.small_read("commune:00000", seen)
    threads: list[int] = []

    def compute() -> dict[str, str]:
        threads.append(threading.get_ident())
        return {"ok": "oui"}

    async def both() -> None:
        await answer(ctx, "essai", ("petit",), compute,
                     lambda g: ctx.small_read("commune:79191", g))
        await answer(ctx, "essai", ("grand",), compute,
                     lambda g: ctx.small_read("commune:86194", g))

    asyncio.run(both())
    assert threads[0] == threading.get_ident() and threads[1] != threading.get_ident()
    # the projection behind the store: the next read would refresh it, not small
    ctx.store.upsert_nodes([node("commune:79048", "Bressuire")])
    assert not ctx.small_read("commune:79191", ctx.store.generation())
    ctx.graph()
    assert ctx.small_read("commune:79191", ctx.store.generation())
    # a store across the network: never on the event loop
    monkeypatch.setattr(ctx.store, "in_process", False)
    assert not ctx.small_read("commune:79191", ctx.store.generation())
    ctx.close()
