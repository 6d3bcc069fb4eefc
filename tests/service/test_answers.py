"""Cached reads: requests that need the same answer at once compute it once."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from graph.sqlite_store import SqliteStore
from service.api.deps import answer
from service.context import Context
from tests.helpers import load


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
