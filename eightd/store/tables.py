"""The relational schema of the case store (SQLAlchemy Core).

A case is stored whole as its JSON document (the aggregate is always loaded and
saved as one unit, under one version number), with the columns that the ledger,
filters and KPIs query copied beside it and indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

__all__ = ["audit_log", "cases", "metadata", "number_sequences", "users"]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)

Document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("number", sa.String(16), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("stage", sa.String(2), nullable=False, index=True),
    sa.Column("severity", sa.String(16), index=True),
    sa.Column("validity", sa.String(20)),
    sa.Column("category", sa.String(32), index=True),
    sa.Column("defect_kinds", sa.String(200), nullable=False, server_default=""),
    sa.Column("customer_name", sa.String(200), nullable=False, index=True),
    sa.Column("customer_code", sa.String(80), nullable=False, server_default=""),
    sa.Column("product_number", sa.String(80), nullable=False, index=True),
    sa.Column("site", sa.String(200), nullable=False, server_default=""),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("document", Document, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

number_sequences = sa.Table(
    "number_sequences",
    metadata,
    sa.Column("period", sa.String(6), primary_key=True),  # YYYYMM
    sa.Column("last_serial", sa.Integer, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_number", sa.String(16), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("path", sa.String(300), nullable=False),
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("roles", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
