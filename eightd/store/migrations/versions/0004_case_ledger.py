"""Ledger columns: owner, the current stage's due time, escalation, same-kind keys, and
every running clock of a case, kept up to date on every save (and recomputed when the
policy changes), so the ledger and the overdue list are SQL queries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# SQLite keeps a row's columns in order and a large value's tail in overflow pages: with
# the case document last, the ledger's columns are read without reading the document
ORDER = (
    "number", "version", "title", "status", "stage", "severity", "validity", "category",
    "defect_kinds", "customer_name", "customer_code", "product_number", "site",
    "received_at", "closed_at", "created_at", "created_by", "updated_at", "updated_by",
    "owner", "stage_due_at", "stage_soon_at", "clock_paused", "escalation_level",
    "customer_key", "product_key", "ledger_policy", "document",
)  # fmt: skip


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    options = {"recreate": "always", "partial_reordering": [ORDER]} if sqlite else {}
    with op.batch_alter_table("cases", **options) as batch:  # type: ignore[arg-type]
        batch.add_column(sa.Column("owner", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("stage_due_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("stage_soon_at", sa.DateTime(timezone=True)))
        batch.add_column(
            sa.Column("clock_paused", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("escalation_level", sa.Integer))
        batch.add_column(
            sa.Column("customer_key", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("product_key", sa.String(80), nullable=False, server_default=""))
        # the policy fingerprint the facts were computed with (NULL: not yet computed)
        batch.add_column(sa.Column("ledger_policy", sa.String(32)))
    if sqlite:  # the rebuilt table lost the trigger of migration 0002: re-create it
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER cases_ledger_dirty_{event.lower()} AFTER {event} ON cases"
                " BEGIN INSERT INTO ledger_dirty (number) VALUES (NEW.number); END"
            )
    op.create_index("ix_cases_owner", "cases", ["owner"])
    op.create_index("ix_cases_stage_due_at", "cases", ["stage_due_at"])
    op.create_index("ix_cases_escalation_level", "cases", ["escalation_level"])
    op.create_index("ix_cases_ledger_policy", "cases", ["ledger_policy"])
    op.create_index("ix_cases_status_number", "cases", ["status", "number"])
    op.create_table(
        "case_clocks",
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("soon_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("case_number", "key", name="pk_case_clocks"),
        sa.ForeignKeyConstraint(
            ["case_number"],
            ["cases.number"],
            name="fk_case_clocks_case_number_cases",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_case_clocks_soon_at", "case_clocks", ["soon_at"])


def downgrade() -> None:
    op.drop_index("ix_case_clocks_soon_at", "case_clocks")
    op.drop_table("case_clocks")
    for name in (
        "ix_cases_status_number",
        "ix_cases_ledger_policy",
        "ix_cases_escalation_level",
        "ix_cases_stage_due_at",
        "ix_cases_owner",
    ):
        op.drop_index(name, "cases")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("cases") as batch:
        for column in (
            "ledger_policy",
            "product_key",
            "customer_key",
            "escalation_level",
            "clock_paused",
            "stage_soon_at",
            "stage_due_at",
            "owner",
        ):
            batch.drop_column(column)
    if sqlite:  # the rebuilt table lost the trigger of migration 0002: re-create it
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER cases_ledger_dirty_{event.lower()} AFTER {event} ON cases"
                " BEGIN INSERT INTO ledger_dirty (number) VALUES (NEW.number); END"
            )
