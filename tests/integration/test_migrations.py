"""The schema's migrations: one line of revisions, and a SQLite upgrade that rebuilds the
cases table keeps its data, its triggers and the document as the last column."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from eightd.application import Application
from eightd.settings import Settings
from eightd.store import open_store
from eightd.store.engine import (
    _MIGRATIONS,
    SCHEMA_REVISION,
    current_revision,
    head_revision,
    upgrade,
)
from tests.conftest import CST, make_intake, register_users

NOW = datetime(2026, 11, 23, 12, tzinfo=CST)


def test_the_migrations_form_one_line_with_one_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert [r.down_revision for r in revisions].count(None) == 1  # one base


def test_the_schema_revision_eightd_expects_is_the_newest_migration() -> None:
    # a new migration without this constant moved would leave every store "outdated"
    assert head_revision() == SCHEMA_REVISION


def test_opening_an_up_to_date_store_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path}/eightd.db"
    open_store(url).dispose()  # created and upgraded: Alembic runs here
    code = (
        "import sys; from eightd.store import open_store; "
        f"s = open_store({url!r}); print(s.is_current(), 'alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def _shape(engine: sa.Engine) -> tuple[list[str], set[str]]:
    with engine.connect() as conn:
        columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(cases)")]
        triggers = {
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'"
            )
        }
    return columns, triggers


def test_sqlite_down_and_up_again_keeps_cases_triggers_and_the_document_last(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    store = open_store(url, auto_upgrade=True)
    register_users(store)
    app = Application(Settings(url, "qe.li", "en", hub_user="qe.li"), store=store, now=lambda: NOW)
    number = app.open_complaint(make_intake(), title="Survives migrations").case.number
    columns, triggers = _shape(store.engine)
    assert columns[-1] == "document" and "escalation_review_at" in columns
    assert triggers == {"cases_ledger_dirty_insert", "cases_ledger_dirty_update"}

    from alembic import command

    from eightd.store.engine import _alembic_config

    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")
    assert current_revision(store.engine) == "0006"
    columns, after_down = _shape(store.engine)
    assert "escalation_review_at" not in columns and columns[-1] == "document"
    assert after_down == triggers

    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    columns, after_up = _shape(store.engine)
    assert columns[-1] == "document" and "escalation_review_at" in columns
    assert after_up == triggers
    store.dispose()

    reopened = open_store(url)
    again = Application(
        Settings(url, "qe.li", "en", hub_user="qe.li"), store=reopened, now=lambda: NOW
    )
    assert again.load(number).case.title == "Survives migrations"
    (row,) = again.ledger(page_size=10).rows
    assert row.number == number and row.stage_due_at is not None
    reopened.dispose()


def _rollup_trigger_code(engine: sa.Engine) -> list[str]:
    """The stored code of the ledger rollup triggers (SQLite) or their functions (PostgreSQL)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            query = (
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p"
                " WHERE p.proname LIKE 'eightd_ledger%rollup' ORDER BY p.proname"
            )
        else:
            query = (
                "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'ledger%rollup%' ORDER BY name"
            )
        return [row[0] for row in conn.execute(sa.text(query))]


def test_the_rollup_triggers_lose_their_bulk_guard_going_down_and_regain_it_going_up(
    store_url: str,
) -> None:
    from alembic import command

    from eightd.store.engine import _alembic_config

    store = open_store(store_url, auto_upgrade=True)
    guarded = _rollup_trigger_code(store.engine)
    assert len(guarded) == (2 if store.engine.dialect.name == "postgresql" else 6)
    assert all("'bulk'" in code for code in guarded)
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0009")
    plain = _rollup_trigger_code(store.engine)
    assert len(plain) == len(guarded) and not any("'bulk'" in code for code in plain)
    upgrade(store.engine)
    assert _rollup_trigger_code(store.engine) == guarded
    store.dispose()
