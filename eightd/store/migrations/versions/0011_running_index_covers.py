"""The partial index of running ledger rows holds what the KPI summary reads of them.

The KPI summary reads live the ledger rows whose running clocks are due around the
month of *now* (a few tens of thousands at a million complaints); found by
``ix_ledger_running`` (0009), each was then read from the table. The index now also
holds every column the summary reads of them (their states, due times, hours, status,
closure, satisfaction...), so it answers from the index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CLOCKS = ("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "callback")
RUNNING = " OR ".join(f"{clock}_state = 'open'" for clock in CLOCKS)
COVERING = (
    "last_open_due",
    "first_open_due",
    "month",
    "status",
    "closure_kind",
    "satisfaction",
    "recurrence",
    "paused",
    *(f"{clock}_{part}" for clock in CLOCKS for part in ("state", "due")),
    "hours_to_containment",
    "hours_to_closure",
)


def _create(columns: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    where = {"postgresql_where" if postgres else "sqlite_where": sa.text(RUNNING)}
    op.create_index("ix_ledger_running", "ledger", list(columns), **where)  # type: ignore[arg-type]


def upgrade() -> None:
    op.drop_index("ix_ledger_running", "ledger")
    _create(COVERING)


def downgrade() -> None:
    op.drop_index("ix_ledger_running", "ledger")
    _create(("last_open_due",))
