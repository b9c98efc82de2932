"""Attachments: a file removed from a case stays on record (who removed it, when, why).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("removed_by", sa.String(200)))
        batch.add_column(sa.Column("removed_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("removed_reason")
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
