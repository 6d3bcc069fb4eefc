"""The Bolt session under :class:`graph.neo4j_store.Neo4jStore`: the driver, one write
transaction per thread whose traffic goes through a :class:`graph.neo4j_pipe.Pipe`, and
the server's errors as the store's (in French). No Cypher here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j.exceptions import ConstraintError, ServiceUnavailable, SessionExpired, TransientError

from graph.neo4j_known import Known
from graph.neo4j_pipe import Pipe
from graph.store import DuplicateKeyError, StoreBusy, StoreUnavailable

RETRY_SECONDS = 3.0
T = TypeVar("T")


def _unavailable(exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"le serveur Neo4j ne répond pas ({exc})")


class BoltSession:
    """Reads and writes of one Bolt database, in this thread's transaction if it has one."""

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 driver: Driver | None = None, retry_seconds: float = RETRY_SECONDS) -> None:
        self.url = uri
        self.database = database
        # Transient errors are retried a few seconds, not the driver's 30: a stopped
        # server must become a quick « base indisponible », not a hung request.
        self._driver = driver or GraphDatabase.driver(
            uri, auth=(user, password), max_transaction_retry_time=retry_seconds,
            connection_timeout=max(retry_seconds, 1.0))
        self._local = threading.local()

    # -- plumbing ------------------------------------------------------------------------
    @property
    def _tx(self) -> Any:
        return getattr(self._local, "tx", None)

    @property
    def _known(self) -> Known:  # what this thread's transaction knows (nothing outside one)
        known: Known | None = getattr(self._local, "known", None)
        return known if known is not None and self._tx is not None else Known()

    def _job(self, job: Callable[[], T]) -> T:
        """``job`` (which reads) in this thread's transaction, in its turn; or now."""
        pipe: Pipe | None = getattr(self._local, "pipe", None)
        return pipe.call(job) if pipe is not None else job()

    def _send(self, job: Callable[[], object]) -> None:
        """``job`` (which writes, and whose result nobody waits for) queued in this
        thread's transaction: the caller prepares the next batch meanwhile."""
        pipe: Pipe | None = getattr(self._local, "pipe", None)
        if pipe is not None:
            pipe.send(job)
        else:
            job()

    def _run(self, query: str, params: dict[str, Any] | None = None,
             write: bool = False) -> list[dict[str, Any]]:
        params = params or {}
        if getattr(self._local, "pipe", None) is not None:
            return self._job(lambda: self._run(query, params, write))
        if self._tx is not None:  # on the transaction's worker
            return [record.data() for record in self._tx.run(query, params)]
        try:
            # a managed transaction: the driver retries it on transient errors
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self.database,
                routing_=RoutingControl.WRITE if write else RoutingControl.READ)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise _unavailable(exc) from None
        return [record.data() for record in records]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            with self._driver.session(database=self.database) as session:
                tx, known = session.begin_transaction(), Known()

                def on_worker() -> None:
                    self._local.tx, self._local.known = tx, known

                pipe = Pipe(on_worker)
                self._local.tx, self._local.known, self._local.pipe = tx, known, pipe
                try:
                    yield
                    pipe.finish()
                except BaseException:
                    pipe.close()  # the worker is done with the transaction first
                    tx.rollback()
                    raise
                else:
                    pipe.close()
                    tx.commit()
                finally:
                    pipe.close()
                    self._local.tx = self._local.known = self._local.pipe = None
                    tx.close()
        except ConstraintError as exc:
            # another writer created the same key first: theirs stands
            raise DuplicateKeyError(f"clé déjà créée par une autre écriture : {exc.message}"
                                    ) from None
        except TransientError as exc:
            raise StoreBusy(f"écriture concurrente, à relancer : {exc.message}") from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise _unavailable(exc) from None
