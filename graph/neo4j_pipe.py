"""One Bolt write transaction's traffic, sent in order by one worker thread.

A large write (``init``, a national file) alternates Python work (building the next
batch's parameters) and waits on the server (writing the last batch). Sent through a
:class:`Pipe`, a write that returns nothing the caller needs is queued and the caller
goes on while the server works; a read waits for its answer, after every write queued
before it (one thread, first in first out: the transaction sees its own writes in
order). Only the worker touches the driver's transaction, so it is never used by two
threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Pipe:
    """Calls and sends to one transaction, run by one worker thread in order.

    >>> pipe = Pipe(lambda: None)
    >>> seen = []
    >>> pipe.send(lambda: seen.append("écrit"))
    >>> pipe.call(lambda: list(seen))  # after what was sent before it
    ['écrit']
    >>> pipe.send(lambda: 1 / 0)
    >>> pipe.call(lambda: "lu")
    Traceback (most recent call last):
    ...
    ZeroDivisionError: division by zero
    >>> pipe.close()
    """

    def __init__(self, on_worker: Callable[[], None]) -> None:
        """``on_worker``: run first on the worker thread (it gives it the transaction)."""
        self._worker: int | None = None

        def start() -> None:
            self._worker = threading.get_ident()
            on_worker()

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="maillage-bolt",
                                        initializer=start)
        self._pending: list[Future[Any]] = []
        #: the first error of a sent job: every later job raises it instead of running (the
        #: server has given up the transaction; the caller sees why, not a later symptom)
        self._error: BaseException | None = None

    def _guarded(self, job: Callable[[], T], sent: bool) -> T:
        if self._error is not None:
            raise self._error
        try:
            return job()
        except BaseException as exc:
            # the caller of a call gets its error and judges (a transaction the server gave
            # up fails at its next statement anyway); a sent job's error has no caller
            if sent:
                self._error = exc
            raise

    def call(self, job: Callable[[], T]) -> T:
        """``job``'s result, once every job sent before it has run."""
        if threading.get_ident() == self._worker:
            return job()  # a job that reads: it is already in its turn
        return self._pool.submit(self._guarded, job, False).result()

    def send(self, job: Callable[[], object]) -> None:
        """Queue ``job``, whose result nobody waits for; its error comes out of the next
        :meth:`call` or of :meth:`finish`."""
        if threading.get_ident() == self._worker:
            job()
            return
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._pool.submit(self._guarded, job, True))

    def finish(self) -> None:
        """Wait for every job sent; raise the first error of any."""
        for future in self._pending:
            future.exception()
        self._pending.clear()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Drop the jobs not started, wait for the running one, stop the worker."""
        self._pool.shutdown(wait=True, cancel_futures=True)
