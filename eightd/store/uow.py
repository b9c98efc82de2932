"""The unit of work: one transaction; nothing is written unless ``commit()`` is called."""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa

from eightd.store.attachments import SqlAttachmentRepository
from eightd.store.engine import read_only_options, store_error
from eightd.store.repository import LedgerHook, SqlCaseRepository, SqlUserRepository

__all__ = ["SqlUnitOfWork"]

SQLITE_BUSY_MS = 60000  # as set on every SQLite connection (eightd.store.engine)


class SqlUnitOfWork:
    """``with store.uow() as uow: ...; uow.commit()`` — leaving the block without
    ``commit()`` (or with an exception) rolls everything back.

    ``wait=False``: do not wait for a writer holding the lock (StoreError instead), for
    work that may as well be done later (the ledger's refresh on a read).

    A writing unit of work takes SQLite's write lock when it starts, so units of
    work that read then write serialize. ``read_only=True`` starts a deferred
    (SQLite) or READ ONLY (PostgreSQL) transaction: it reads a consistent snapshot,
    never waits for a writer and refuses to write."""

    cases: SqlCaseRepository
    users: SqlUserRepository
    attachments: SqlAttachmentRepository

    def __init__(
        self,
        engine: sa.Engine,
        *,
        read_only: bool = False,
        ledger: LedgerHook | None = None,
        wait: bool = True,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._ledger = ledger
        self._wait = wait
        self._conn: sa.Connection | None = None

    @property
    def read_only(self) -> bool:
        return self._read_only

    def __enter__(self) -> SqlUnitOfWork:
        try:
            self._conn = self._engine.connect()
            if self._read_only:
                self._conn.execution_options(**read_only_options(self._engine))
            if not self._wait:
                self._set_lock_wait(0)
            self._conn.begin()
            if not self._wait and self._engine.dialect.name == "postgresql":
                self._conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
        except sa.exc.DBAPIError as exc:
            self._close()
            url = self._engine.url.render_as_string(hide_password=False)
            raise store_error(exc, url) from None
        self.cases = SqlCaseRepository(self._conn, self._ledger)
        self.users = SqlUserRepository(self._conn)
        self.attachments = SqlAttachmentRepository(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            self.rollback()
        finally:
            self._close()

    def _close(self) -> None:
        if self._conn is None:
            return
        try:
            if not self._wait:
                self._set_lock_wait(None)  # the pooled connection waits again
        finally:
            self._conn.close()
            self._conn = None

    @property
    def connection(self) -> sa.Connection:
        """The transaction's connection, for read models that query tables of their own
        (``eightd.analytics``); cases are changed only through ``cases``."""
        assert self._conn is not None
        return self._conn

    def _set_lock_wait(self, milliseconds: int | None) -> None:
        """SQLite: how long to wait for the write lock (None: the engine's default), set on
        the driver's connection outside any transaction."""
        assert self._conn is not None
        if self._engine.dialect.name != "sqlite":
            return
        driver = self._conn.connection.driver_connection
        value = SQLITE_BUSY_MS if milliseconds is None else milliseconds
        driver.execute(f"PRAGMA busy_timeout={int(value)}")  # type: ignore[union-attr]

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()
        self._conn.begin()

    def rollback(self) -> None:
        assert self._conn is not None
        if self._conn.in_transaction():
            self._conn.rollback()
