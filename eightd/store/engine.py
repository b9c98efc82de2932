"""Engines and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from eightd.errors import MissingDependencyError, StoreError
from eightd.store.secrets import redact_url, scrub

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "READ_ONLY",
    "SCHEMA_REVISION",
    "create_engine",
    "current_revision",
    "head_revision",
    "read_only_options",
    "store_error",
    "upgrade",
]

# Execution option of a connection whose transactions only read (see ``Store.uow``).
READ_ONLY = "eightd_read_only"

_MIGRATIONS = Path(__file__).parent / "migrations"

# The newest migration's revision: what an up-to-date schema reads in ``alembic_version``.
# Opening a store compares the two without importing Alembic (0.2 s of every process's
# start); a test checks this is Alembic's head.
SCHEMA_REVISION = "0012"


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get their directory, WAL and write locking.

    A malformed URL is reported without its password (and without a traceback).
    """
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            return sa.create_engine(parsed, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise MissingDependencyError(
            what="psycopg (PostgreSQL driver)", hint="pip install 'eightd[postgres]'"
        ) from exc
    except (sa.exc.ArgumentError, ValueError, TypeError) as exc:
        raise StoreError(
            "access.error.bad_url", url=redact_url(url), detail=scrub(str(exc), url)
        ) from None
    raise StoreError("access.error.unsupported_url", url=redact_url(url), backend=backend)


def store_error(exc: sa.exc.DBAPIError | sa.exc.ArgumentError, url: str) -> StoreError:
    """A driver's failure as a StoreError whose text holds no password of ``url``."""
    detail = str(getattr(exc, "orig", None) or exc).strip()
    return StoreError(detail=scrub(detail, url))


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    database = url.database or ""
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy's "begin" event below decide how transactions start
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # a reader starts deferred: in WAL it reads a snapshot and never waits for
            # (nor blocks) a writer; query_only makes a stray write fail loudly
            conn.exec_driver_sql("PRAGMA query_only=ON")
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        # a writer takes the write lock up front: read-then-write transactions
        # (numbering, versioned saves) then serialize instead of failing with
        # "database is locked" when upgrading a read snapshot that went stale
        conn.exec_driver_sql("PRAGMA query_only=OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def read_only_options(engine: sa.Engine) -> dict[str, Any]:
    """Execution options of a read-only connection: a deferred transaction on SQLite
    (readers never wait for writers; one snapshot from the first read), a READ ONLY
    REPEATABLE READ transaction on PostgreSQL (one snapshot too: an export read in
    batches never mixes states of the store)."""
    if engine.dialect.name == "postgresql":
        return {READ_ONLY: True, "postgresql_readonly": True, "isolation_level": "REPEATABLE READ"}
    return {READ_ONLY: True}


def _alembic_config(connection: sa.Connection) -> Config:
    from alembic.config import Config  # Alembic only when the schema is looked at

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision Alembic recorded in the database (None: no schema yet)."""
    try:
        # read-only: opening a store must not wait for another process's long write
        with engine.connect().execution_options(**read_only_options(engine)) as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
            versions = sorted(str(v) for v in rows)
    except sa.exc.DBAPIError as exc:
        raise store_error(exc, engine.url.render_as_string(hide_password=False)) from None
    # several rows would be branches, which eightd's linear history never has
    return "+".join(versions) or None


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (``eightd db upgrade``)."""
    from alembic import command

    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except sa.exc.DBAPIError as exc:
        raise store_error(exc, engine.url.render_as_string(hide_password=False)) from None
