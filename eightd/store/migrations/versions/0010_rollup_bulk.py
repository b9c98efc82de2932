"""Ledger rollups: the triggers stand aside while a bulk load recounts them.

Re-deriving the whole ledger (a policy change, a large register import) through the
per-row and per-statement triggers of 0009 costs more than counting every row once at the
end. A transaction that holds the row ``('bulk', ...)`` in ``ledger_state`` (visible to
that transaction only, never committed) makes every rollup trigger do nothing; it recounts
the rollups before it commits (``eightd.analytics.rollup.bulk``). The triggers are the
ones of 0009, each given that guard: a rewrite of their stored definitions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import re

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

IN_BULK = "EXISTS (SELECT 1 FROM ledger_state WHERE key = 'bulk')"
SQLITE_GUARD = f"FOR EACH ROW WHEN NOT {IN_BULK} BEGIN"
SQLITE_PLAIN = "FOR EACH ROW BEGIN"
# a BEFORE row trigger must hand the row back, or the change itself is skipped
PG_GUARD = (
    f" IF {IN_BULK} THEN IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;"
    " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF;"
)
PG_FUNCTIONS = ("eightd_ledger_rollup", "eightd_ledger_causes_rollup")


def _sqlite(old: str, new: str) -> None:
    bind = op.get_bind()
    rows = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND name LIKE 'ledger%rollup%' ORDER BY name"
    ).all()
    assert len(rows) == 6, rows
    for name, sql in rows:
        assert sql.count(old) == 1, sql
        op.execute(f"DROP TRIGGER {name}")
        op.execute(sql.replace(old, new))


def _pg(guard: bool) -> None:
    bind = op.get_bind()
    for function in PG_FUNCTIONS:
        definition = bind.exec_driver_sql(
            f"SELECT pg_get_functiondef('{function}'::regproc)"
        ).scalar_one()
        if guard:
            # the body starts at the dollar quote: "AS $function$ BEGIN ..."
            new, count = re.subn(r"(AS \$(\w*)\$\s*BEGIN)", r"\1" + PG_GUARD, definition, count=1)
        else:
            new = definition.replace(PG_GUARD, "")
            count = int(new != definition)
        assert count == 1, definition
        op.execute(new)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg(guard=True)
    else:
        _sqlite(SQLITE_PLAIN, SQLITE_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg(guard=False)
    else:
        _sqlite(SQLITE_GUARD, SQLITE_PLAIN)
