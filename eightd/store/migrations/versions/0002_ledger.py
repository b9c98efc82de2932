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
        sa.Column("recurrence", sa.Boolean, nullable=False),
        sa.Column("recurrence_of", sa.String(80)),
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
    op.create_table(
        "ledger_dirty",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_dirty"),
    )
    _create_triggers()
    _create_search()


def _create_triggers() -> None:
    """Every insert or update of a case marks its ledger row for re-deriving."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION eightd_ledger_dirty() RETURNS trigger AS $$ BEGIN"
            " INSERT INTO ledger_dirty (number) VALUES (NEW.number); RETURN NEW; END"
            " $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER cases_ledger_dirty AFTER INSERT OR UPDATE ON cases"
            " FOR EACH ROW EXECUTE FUNCTION eightd_ledger_dirty()"
        )
        return
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER cases_ledger_dirty_{event.lower()} AFTER {event} ON cases"
            " BEGIN INSERT INTO ledger_dirty (number) VALUES (NEW.number); END"
        )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER cases_ledger_dirty ON cases")
        op.execute("DROP FUNCTION eightd_ledger_dirty()")
        return
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER cases_ledger_dirty_{event}")


def _create_search() -> None:
    """The full-text index of similar cases: FTS5 on SQLite, a tsvector with GIN on
    PostgreSQL (eightd.analytics.search writes its rows; not part of the table metadata)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE case_search (number VARCHAR(16) PRIMARY KEY, product VARCHAR(80) NOT"
            " NULL, customer VARCHAR(200) NOT NULL, bones VARCHAR(120) NOT NULL, terms TEXT NOT"
            " NULL, tsv tsvector GENERATED ALWAYS AS"
            " (array_to_tsvector(string_to_array(terms, ' '))) STORED)"
        )
        op.execute("CREATE INDEX ix_case_search_tsv ON case_search USING gin (tsv)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE case_search USING fts5(number UNINDEXED, product UNINDEXED,"
            " customer UNINDEXED, bones UNINDEXED, terms, tokenize = 'unicode61')"
        )


def downgrade() -> None:
    op.execute("DROP TABLE case_search")
    _drop_triggers()
    op.drop_table("ledger_dirty")
    op.drop_table("register_imports")
    op.drop_table("shipments")
    op.drop_table("ledger_state")
    op.drop_index("ix_ledger_causes_bone", "ledger_causes")
    op.drop_table("ledger_causes")
    for column in LEDGER_INDEXES:
        op.drop_index(f"ix_ledger_{column}", "ledger")
    op.drop_table("ledger")
