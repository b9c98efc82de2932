"""Ledger: when a case's escalation level changes with time alone (days unresolved, a
promised reply missed), so that the row is recomputed once that moment has passed
instead of showing yesterday's level until the next save.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# SQLite: the case document stays the last column, so that the ledger's columns are read
# without the document's overflow pages (see 0004)
ORDER = (
    "number", "version", "title", "status", "stage", "severity", "validity", "category",
    "defect_kinds", "customer_name", "customer_code", "product_number", "site",
    "received_at", "closed_at", "created_at", "created_by", "updated_at", "updated_by",
    "owner", "stage_due_at", "stage_soon_at", "clock_paused", "escalation_level",
    "escalation_review_at", "customer_key", "product_key", "ledger_policy", "document",
)  # fmt: skip


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    options = {"recreate": "always", "partial_reordering": [ORDER]} if sqlite else {}
    with op.batch_alter_table("cases", **options) as batch:  # type: ignore[arg-type]
        batch.add_column(sa.Column("escalation_review_at", sa.DateTime(timezone=True)))
    if sqlite:
        _recreate_trigger()
    op.create_index("ix_cases_escalation_review_at", "cases", ["escalation_review_at"])
    # rows computed before this column existed are recomputed: the ledger rules' version
    # (eightd.policy.ledger.LEDGER_RULES) is part of the fingerprint they were saved under


def _recreate_trigger() -> None:
    """The rebuilt table lost the trigger of migration 0002: re-create it."""
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER cases_ledger_dirty_{event.lower()} AFTER {event} ON cases"
            " BEGIN INSERT INTO ledger_dirty (number) VALUES (NEW.number); END"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_cases_escalation_review_at", "cases")
    options = {"recreate": "always"} if sqlite else {}
    with op.batch_alter_table("cases", **options) as batch:  # type: ignore[arg-type]
        batch.drop_column("escalation_review_at")
    if sqlite:
        _recreate_trigger()
