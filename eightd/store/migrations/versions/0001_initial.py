"""Initial schema: cases, number sequences, audit log, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(2), nullable=False),
        sa.Column("severity", sa.String(16)),
        sa.Column("validity", sa.String(20)),
        sa.Column("category", sa.String(32)),
        sa.Column("defect_kinds", sa.String(200), nullable=False, server_default=""),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_code", sa.String(80), nullable=False, server_default=""),
        sa.Column("product_number", sa.String(80), nullable=False),
        sa.Column("site", sa.String(200), nullable=False, server_default=""),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("document", Document, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_cases"),
    )
    for column in (
        "status",
        "stage",
        "severity",
        "category",
        "customer_name",
        "product_number",
        "received_at",
    ):
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.create_table(
        "number_sequences",
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("last_serial", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("period", name="pk_number_sequences"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_case_number", "audit_log", ["case_number"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("roles", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_index("ix_audit_log_case_number", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("number_sequences")
    for column in (
        "status",
        "stage",
        "severity",
        "category",
        "customer_name",
        "product_number",
        "received_at",
    ):
        op.drop_index(f"ix_cases_{column}", "cases")
    op.drop_table("cases")
