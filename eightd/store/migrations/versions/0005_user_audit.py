"""User audit: every registration and role change, with who made it and when.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_audit",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("old_roles", sa.String(200)),
        sa.Column("new_roles", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_audit"),
    )
    op.create_index("ix_user_audit_name", "user_audit", ["name"])


def downgrade() -> None:
    op.drop_index("ix_user_audit_name", table_name="user_audit")
    op.drop_table("user_audit")
