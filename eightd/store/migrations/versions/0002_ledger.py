"""Analytics: the ledger rows, their causes, their derivation state, shipments, and the
rows of legacy registers already imported.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CLOCK_KEYS = ("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "callback")
LEDGER_INDEXES = (
    "received_at",
    "month",
    "customer",
    "product",
    "hours_to_containment",
    "hours_to_closure",
    "recurrence_of",
)


def upgrade() -> None:
    clocks: list[sa.Column[object]] = []
    for key in CLOCK_KEYS:
        clocks.append(sa.Column(f"{key}_state", sa.String(8)))
        clocks.append(sa.Column(f"{key}_due", sa.DateTime(timezone=True)))
    op.create_table(
        "ledger",
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(2), nullable=False),
        sa.Column("severity", sa.String(16)),
        sa.Column("validity", sa.String(20)),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("found_at", sa.String(24)),
        sa.Column("defect_kind", sa.String(16)),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("product", sa.String(80), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("closure_kind", sa.String(16)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("result", sa.String(300), nullable=False),
        sa.Column("satisfaction", sa.String(16)),
        sa.Column("shipped_quantity", sa.BigInteger),
        sa.Column("hours_to_containment", sa.Float),
        sa.Column("hours_to_closure", sa.Float),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("recurrence_of", sa.String(16)),
        *clocks,
        sa.PrimaryKeyConstraint("number", name="pk_ledger"),
    )
    for column in LEDGER_INDEXES:
        op.create_index(f"ix_ledger_{column}", "ledger", [column])
    op.create_table(
        "ledger_causes",
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("cause_id", sa.String(8), nullable=False),
        sa.Column("bone", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("number", "cause_id", name="pk_ledger_causes"),
    )
    op.create_index("ix_ledger_causes_bone", "ledger_causes", ["bone"])
    op.create_table(
        "ledger_state",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ledger_state"),
    )
    op.create_table(
        "shipments",
        sa.Column("product", sa.String(80), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("product", "month", name="pk_shipments"),
    )
    op.create_table(
        "register_imports",
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_register_imports"),
    )
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated_at", "cases")
    op.drop_table("register_imports")
    op.drop_table("shipments")
    op.drop_table("ledger_state")
    op.drop_index("ix_ledger_causes_bone", "ledger_causes")
    op.drop_table("ledger_causes")
    for column in LEDGER_INDEXES:
        op.drop_index(f"ix_ledger_{column}", "ledger")
    op.drop_table("ledger")
