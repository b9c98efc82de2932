"""The case store: SQLite by default, PostgreSQL for teams (SQLAlchemy 2 + Alembic)."""

from __future__ import annotations

import sqlalchemy as sa

from eightd.errors import StoreError
from eightd.store.attachments import Attachment
from eightd.store.engine import (
    SCHEMA_REVISION,
    create_engine,
    current_revision,
    head_revision,
    store_error,
    upgrade,
)
from eightd.store.repository import (
    AuditEntry,
    CaseSummary,
    ClockRow,
    LedgerHook,
    LedgerPage,
    LedgerRow,
    StoredCase,
    User,
    UserChange,
)
from eightd.store.secrets import redact_url
from eightd.store.uow import SqlUnitOfWork

__all__ = [
    "Attachment",
    "AuditEntry",
    "CaseSummary",
    "ClockRow",
    "LedgerHook",
    "LedgerPage",
    "LedgerRow",
    "SqlUnitOfWork",
    "Store",
    "StoredCase",
    "User",
    "UserChange",
    "create_engine",
    "current_revision",
    "head_revision",
    "open_store",
]


class Store:
    """A database holding cases. ``uow()`` opens a unit of work on it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The URL without its password (also one given as ``?password=``)."""
        return redact_url(self.engine.url.render_as_string(hide_password=False))

    def uow(
        self, *, read_only: bool = False, ledger: LedgerHook | None = None, wait: bool = True
    ) -> SqlUnitOfWork:
        """A unit of work; ``read_only=True`` for one that only reads (list, show,
        export, reports): it never waits for a writer holding the lock. ``ledger``
        computes the ledger columns of every case it saves (without it, saved cases
        are marked for the next ledger refresh). ``wait=False``: a writer holding the
        lock makes it fail at once (StoreError) instead of waiting."""
        return SqlUnitOfWork(self.engine, read_only=read_only, ledger=ledger, wait=wait)

    def upgrade(self) -> None:
        upgrade(self.engine)

    def login(self) -> str | None:
        """The database login (PostgreSQL ``session_user``), None on SQLite."""
        if self.engine.dialect.name != "postgresql":
            return None
        with self.uow(read_only=True) as uow:
            return uow.users.login()

    def is_current(self) -> bool:
        return current_revision(self.engine) == SCHEMA_REVISION

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, auto_upgrade: bool | None = None) -> Store:
    """Open the store at ``url``.

    SQLite is zero-configuration: its schema is created or upgraded on open.
    PostgreSQL is shared by a team, so its schema changes only through
    ``eightd db upgrade``; opening an outdated one raises StoreError saying so.
    """
    engine = create_engine(url)
    store = Store(engine)
    if auto_upgrade is None:
        auto_upgrade = engine.dialect.name == "sqlite"
    try:
        if auto_upgrade:
            if not store.is_current():
                store.upgrade()
        elif not store.is_current():
            raise StoreError("error.store_outdated", url=store.url)
    except sa.exc.DBAPIError as exc:
        store.dispose()
        raise store_error(exc, url) from None
    except BaseException:
        store.dispose()
        raise
    return store
