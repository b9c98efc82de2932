"""The migration chain: one line from the first revision to exactly one head."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

import eightd.store

MIGRATIONS = Path(eightd.store.__file__).parent / "migrations"


def _scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def test_the_migrations_have_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1


def test_the_migration_chain_is_linear_and_holds_every_revision_file() -> None:
    scripts = _scripts()
    chain = list(scripts.walk_revisions())  # from the head down to the first revision
    assert all(not isinstance(r.down_revision, tuple) for r in chain)  # no merge points
    assert chain[-1].down_revision is None
    files = [p for p in (MIGRATIONS / "versions").glob("0*.py")]
    assert len(chain) == len(files)
