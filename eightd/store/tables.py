"""The relational schema of the case store (SQLAlchemy Core).

A case is stored whole as its JSON document (the aggregate is always loaded and
saved as one unit, under one version number), with the columns that the ledger,
filters and KPIs query copied beside it and indexed.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

__all__ = [
    "CLOCK_KEYS",
    "RUNNING_CLOCK_SQL",
    "UNMAPPED_TABLES",
    "attachments",
    "audit_log",
    "case_clocks",
    "cases",
    "ledger",
    "ledger_causes",
    "ledger_counts",
    "ledger_dirty",
    "ledger_hours",
    "ledger_rollup",
    "ledger_state",
    "metadata",
    "number_sequences",
    "product_fold",
    "register_imports",
    "shipments",
    "user_audit",
    "users",
]

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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    # ledger facts (eightd.policy.ledger), kept up to date on every save
    sa.Column("owner", sa.String(200), nullable=False, server_default="", index=True),
    sa.Column("stage_due_at", sa.DateTime(timezone=True), index=True),
    sa.Column("stage_soon_at", sa.DateTime(timezone=True)),
    sa.Column("clock_paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("escalation_level", sa.Integer, index=True),
    # when the escalation level changes with time alone: recomputed once that has passed
    sa.Column("escalation_review_at", sa.DateTime(timezone=True), index=True),
    sa.Column("customer_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("product_key", sa.String(80), nullable=False, server_default=""),
    sa.Column("ledger_policy", sa.String(32), index=True),
    # last: in SQLite the columns above are then read without the document's pages
    sa.Column("document", Document, nullable=False),
    sa.Index("ix_cases_status_number", "status", "number"),
)
# the product number as the same-kind lookup (rule ES-2) compares it: trimmed, lower case
# (ASCII in SQLite). Queries must use this very expression to be answered by the index of
# one product's cases by receipt time (migration 0012)
product_fold = sa.func.lower(sa.func.trim(cases.c.product_number))
sa.Index("ix_cases_product_received", product_fold, cases.c.received_at)

# every running clock of an open case (stages, the call-back, promised replies)
case_clocks = sa.Table(
    "case_clocks",
    metadata,
    sa.Column(
        "case_number",
        sa.String(16),
        sa.ForeignKey("cases.number", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("key", sa.String(16), primary_key=True),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("soon_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("provisional", sa.Boolean, nullable=False, server_default=sa.false()),
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


# ---------------------------------------------------------------- analytics (eightd.analytics)
# The ledger (跟踪台账) as narrow rows, one per case, derived from the case document and the
# policy's clocks by ``eightd.analytics.refresh_ledger``: KPI, Pareto and trend queries scan
# these rows and never the JSON documents. ``ledger_state`` remembers what they were derived
# with (the policy's fingerprint).

# the clocks of eightd.policy.deadlines.schedule: the stages and the call-back
CLOCK_KEYS: tuple[str, ...] = (
    "D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "callback",
)  # fmt: skip


def _clock_columns() -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = []
    for key in CLOCK_KEYS:
        name = key.lower()
        # state: on_time | late | open (not done yet: late once due < now) | NULL (untimed)
        columns.append(sa.Column(f"{name}_state", sa.String(8)))
        columns.append(sa.Column(f"{name}_due", sa.DateTime(timezone=True)))
    return columns


ledger = sa.Table(
    "ledger",
    metadata,
    sa.Column("number", sa.String(16), primary_key=True),
    sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # YYYY-MM in the policy time zone; not indexed: grouping by month scans (migration 0006)
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("stage", sa.String(2), nullable=False),
    sa.Column("severity", sa.String(16)),
    sa.Column("validity", sa.String(20)),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("found_at", sa.String(24)),
    sa.Column("defect_kind", sa.String(16)),  # the first one named at intake
    sa.Column("customer", sa.String(200), nullable=False, index=True),
    sa.Column("product", sa.String(80), nullable=False, index=True),
    sa.Column("site", sa.String(200), nullable=False),
    sa.Column("department", sa.String(200), nullable=False),  # handling department (处理部门)
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("closure_kind", sa.String(16)),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("result", sa.String(300), nullable=False),  # 处理结果
    sa.Column("satisfaction", sa.String(16)),  # the latest answered call-back's outcome
    sa.Column("shipped_quantity", sa.BigInteger),
    sa.Column("hours_to_containment", sa.Float, index=True),
    sa.Column("hours_to_closure", sa.Float, index=True),
    sa.Column("paused", sa.Boolean, nullable=False),
    sa.Column("recurrence", sa.Boolean, nullable=False),
    sa.Column("recurrence_of", sa.String(80), index=True),  # the earlier 8D it repeats
    *_clock_columns(),
    # the earliest and the latest due time of the clocks still running (NULL: none): before
    # the first no running clock is late, after the last all of them are (migration 0009)
    sa.Column("first_open_due", sa.DateTime(timezone=True)),
    sa.Column("last_open_due", sa.DateTime(timezone=True)),
)

ledger_causes = sa.Table(
    "ledger_causes",
    metadata,
    sa.Column("number", sa.String(16), primary_key=True),
    sa.Column("cause_id", sa.String(8), primary_key=True),
    sa.Column("bone", sa.String(16), nullable=False, index=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
)

# A ledger row with a clock still running: its verdict (open, or running late) depends on
# *now*. The rollup counts it by the months of its first and last running due time; the KPI
# summary reads live only the rows whose running clocks are due around the month of *now*
# (this partial index by the last due time finds them, and holds every column the summary
# reads of them: it answers without the table). The same text in migrations 0009 and 0011.
RUNNING_CLOCK_SQL = " OR ".join(f"{key.lower()}_state = 'open'" for key in CLOCK_KEYS)
RUNNING_INDEX_COLUMNS = (
    "last_open_due",
    "first_open_due",
    "month",
    "status",
    "closure_kind",
    "satisfaction",
    "recurrence",
    "paused",
    *(f"{key.lower()}_{part}" for key in CLOCK_KEYS for part in ("state", "due")),
    "hours_to_containment",
    "hours_to_closure",
)
sa.Index(
    "ix_ledger_running",
    *(ledger.c[name] for name in RUNNING_INDEX_COLUMNS),
    sqlite_where=sa.text(RUNNING_CLOCK_SQL),
    postgresql_where=sa.text(RUNNING_CLOCK_SQL),
)

# Pre-aggregated counts of the ledger (migration 0009), kept exactly up to date by triggers
# on ``ledger`` and ``ledger_causes`` in SQLite and PostgreSQL alike (so no writer can forget
# them) and rebuilt from scratch by ``eightd.analytics.rollup.rebuild_rollups``. NULL keys are
# stored as '' (a NULL in a primary key would never match). Groups that reach zero stay
# until the next rebuild; readers skip them.
#   ledger_rollup: complaints per month x every state the KPI summary reads
ledger_rollup = sa.Table(
    "ledger_rollup",
    metadata,
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("closure_kind", sa.String(16), primary_key=True),
    sa.Column("satisfaction", sa.String(16), primary_key=True),
    sa.Column("recurrence", sa.Boolean, primary_key=True),
    sa.Column("paused", sa.Boolean, primary_key=True),
    *(sa.Column(f"{key.lower()}_state", sa.String(8), primary_key=True) for key in CLOCK_KEYS),
    # YYYY-MM (UTC) of first_open_due ('' when none) and of last_open_due ('9999' when none)
    sa.Column("first_due_month", sa.String(7), primary_key=True),
    sa.Column("last_due_month", sa.String(7), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.Column("containment_n", sa.BigInteger, nullable=False),
    sa.Column("containment_sum", sa.Float, nullable=False),
    sa.Column("closure_n", sa.BigInteger, nullable=False),
    sa.Column("closure_sum", sa.Float, nullable=False),
)
#   ledger_counts: complaints per dimension (Pareto, trend) x month x value; dimension
#   "bone" counts a complaint once per 5M1E category of its verified causes
ledger_counts = sa.Table(
    "ledger_counts",
    metadata,
    sa.Column("dimension", sa.String(16), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
#   ledger_hours: a histogram of hours to containment / to closure per month, in whole-hour
#   buckets, to find the bucket holding a percentile's rank before reading its rows
ledger_hours = sa.Table(
    "ledger_hours",
    metadata,
    sa.Column("measure", sa.String(12), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("bucket", sa.Integer, primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)

# Cases saved since their ledger row was derived: a trigger on ``cases`` (created by the
# migrations, SQLite and PostgreSQL alike) adds the number on every insert and update.
ledger_dirty = sa.Table(
    "ledger_dirty",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(16), nullable=False),
)

ledger_state = sa.Table(
    "ledger_state",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

# Units shipped or sold per product and month, for the complaint incidence KPI.
shipments = sa.Table(
    "shipments",
    metadata,
    sa.Column("product", sa.String(80), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("quantity", sa.BigInteger, nullable=False),
)

# Rows of legacy registers already imported (eightd import register.xlsx): the register's
# own number, or a hash of the row when it has none; re-importing a file adds nothing.
register_imports = sa.Table(
    "register_imports",
    metadata,
    sa.Column("key", sa.String(250), primary_key=True),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)

# Tables the migrations create outside this metadata: the full-text index of similar cases
# (an FTS5 virtual table and its shadow tables on SQLite, a tsvector table on PostgreSQL).
UNMAPPED_TABLES = re.compile(r"^case_search(_.*)?$")

# photos and evidence of a case (D2 defect photos, D4 / D6 evidence), kept in the store
# itself so that a team on PostgreSQL shares them; the bytes are read only when shown
attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_number", sa.String(16), nullable=False, index=True),
    sa.Column("stage", sa.String(2), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    # a file removed from the case (a wrong or private photo) stays on record, audited:
    # who removed it, when and why; lists and reports leave it out
    sa.Column("removed_at", sa.DateTime(timezone=True)),
    sa.Column("removed_by", sa.String(200)),
    sa.Column("removed_reason", sa.Text),
)


# every registration and role change (append-only): who changed whose roles, when
user_audit = sa.Table(
    "user_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False, index=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("old_roles", sa.String(200)),
    sa.Column("new_roles", sa.String(200), nullable=False),
)
