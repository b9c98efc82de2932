"""Ledger rollups: complaints pre-counted per month and state (KPIs), per dimension value
(Pareto, trend) and per whole hour to containment / closure (percentiles), kept exactly up
to date by triggers on ``ledger`` and ``ledger_causes``. The ledger rows get the earliest
and the latest due time of their running clocks (their verdict depends on the time of the
query: the rollup counts them by those months), with a partial index on the latter.

SQLite: row triggers (each row's change applied at once). PostgreSQL: statement triggers
with transition tables on ``ledger`` (a bulk insert or delete is one grouped upsert), row
triggers BEFORE each change of ``ledger_causes`` (a complaint counts once per bone, which
needs the rows processed earlier in the same statement).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CLOCKS = ("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "callback")
STATES = tuple(f"{clock}_state" for clock in CLOCKS)
RUNNING = " OR ".join(f"{state} = 'open'" for state in STATES)
# ledger_rollup's key: the ledger column, or '' for NULL
ROLLUP_KEYS = (
    "month", "status", "closure_kind", "satisfaction", "recurrence", "paused", *STATES,
    "first_due_month", "last_due_month",
)  # fmt: skip
# the UTC month of the first / last running due time ('' / '9999' when none)
DUE_MONTHS = {
    "first_due_month": ("first_open_due", ""),
    "last_due_month": ("last_open_due", "9999"),
}
NULLABLE = {"closure_kind", "satisfaction", *STATES}
DIMENSIONS = (
    "category", "product", "customer", "severity", "defect_kind", "site", "department",
    "owner", "channel", "found_at", "stage", "status", "closure_kind", "satisfaction",
)  # fmt: skip
MEASURES = (("containment", "hours_to_containment"), ("closure", "hours_to_closure"))


def _key(row: str, column: str, postgres: bool = False) -> str:
    if column in DUE_MONTHS:
        source, none = DUE_MONTHS[column]
        if postgres:
            return f"coalesce(to_char({row}.{source} AT TIME ZONE 'UTC', 'YYYY-MM'), '{none}')"
        return f"coalesce(substr({row}.{source}, 1, 7), '{none}')"
    return f"coalesce({row}.{column}, '')" if column in NULLABLE else f"{row}.{column}"


def _upsert(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
    conflict = ", ".join(keys)
    sets = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    return f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"


ROLLUP_VALUES = ("n", "containment_n", "containment_sum", "closure_n", "closure_sum")
ROLLUP_UPSERT = _upsert("ledger_rollup", ROLLUP_KEYS, ROLLUP_VALUES)
COUNTS_UPSERT = _upsert("ledger_counts", ("dimension", "month", "value"), ("n",))
HOURS_UPSERT = _upsert("ledger_hours", ("measure", "month", "bucket"), ("n",))


# ---------------------------------------------------------------- SQLite (row triggers)


def _sqlite_row(row: str, sign: str) -> list[str]:
    """The statements that add (sign '1') or remove (sign '-1') one ledger row."""
    keys = ", ".join(_key(row, k) for k in ROLLUP_KEYS)
    c, d = f"{row}.hours_to_containment", f"{row}.hours_to_closure"
    rollup = (
        f"INSERT INTO ledger_rollup ({', '.join(ROLLUP_KEYS)}, {', '.join(ROLLUP_VALUES)})"
        f" VALUES ({keys}, {sign}, {sign} * ({c} IS NOT NULL), {sign} * coalesce({c}, 0),"
        f" {sign} * ({d} IS NOT NULL), {sign} * coalesce({d}, 0)) {ROLLUP_UPSERT}"
    )
    tuples = ", ".join(
        f"('{dim}', {row}.month, coalesce({row}.{dim}, ''), {sign})" for dim in DIMENSIONS
    )
    counts = (
        f"INSERT INTO ledger_counts (dimension, month, value, n) VALUES {tuples} {COUNTS_UPSERT}"
    )
    bones = (
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT DISTINCT 'bone', {row}.month, bone, {sign} FROM ledger_causes"
        f" WHERE number = {row}.number AND status = 'verified' {COUNTS_UPSERT}"
    )
    hours = [
        "INSERT INTO ledger_hours (measure, month, bucket, n)"
        f" SELECT '{measure}', {row}.month, CAST({row}.{column} AS INTEGER), {sign}"
        f" WHERE {row}.{column} IS NOT NULL {HOURS_UPSERT}"
        for measure, column in MEASURES
    ]
    return [rollup, counts, bones, *hours]


def _bone(row: str, sign: str, unless: str) -> str:
    """Count the (complaint, bone) pair of a verified cause ``row`` once: unless another
    verified cause of the complaint has that bone (``unless``: an SQL condition)."""
    return (
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT 'bone', l.month, {row}.bone, {sign} FROM ledger l"
        f" WHERE l.number = {row}.number AND {row}.status = 'verified' AND NOT ({unless})"
        f" {COUNTS_UPSERT}"
    )


def _same_bone(row: str, extra: str = "", *, sqlite: bool = True) -> str:
    # "+c.bone": SQLite looks the complaint's causes up by number (the primary key), never
    # by the bone's index (a sixth of all causes); PostgreSQL reads it as the column
    bone = "+c.bone" if sqlite else "c.bone"
    return (
        "EXISTS (SELECT 1 FROM ledger_causes c WHERE c.number = "
        f"{row}.number AND {bone} = {row}.bone AND c.status = 'verified'{extra})"
    )


def _sqlite_up() -> None:
    triggers = {
        "ledger_rollup_insert": ("AFTER INSERT ON ledger", _sqlite_row("NEW", "1")),
        "ledger_rollup_delete": ("AFTER DELETE ON ledger", _sqlite_row("OLD", "-1")),
        "ledger_rollup_update": (
            "AFTER UPDATE ON ledger",
            _sqlite_row("OLD", "-1") + _sqlite_row("NEW", "1"),
        ),
        # after the change: the pair is new when no other verified cause holds it
        "ledger_causes_rollup_insert": (
            "AFTER INSERT ON ledger_causes",
            [_bone("NEW", "1", _same_bone("NEW", " AND c.cause_id <> NEW.cause_id"))],
        ),
        "ledger_causes_rollup_delete": (
            "AFTER DELETE ON ledger_causes",
            [_bone("OLD", "-1", _same_bone("OLD"))],
        ),
        "ledger_causes_rollup_update": (
            "AFTER UPDATE ON ledger_causes",
            [
                _bone("OLD", "-1", _same_bone("OLD")),
                _bone(
                    "NEW",
                    "1",
                    _same_bone(
                        "NEW", " AND NOT (c.number = NEW.number AND c.cause_id = NEW.cause_id)"
                    )
                    + " OR (OLD.status = 'verified' AND OLD.number = NEW.number"
                    " AND OLD.bone = NEW.bone)",
                ),
            ],
        ),
    }
    for name, (event, statements) in triggers.items():
        body = "; ".join(statements)
        op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW BEGIN {body}; END")


# ---------------------------------------------------------------- PostgreSQL


def _pg_rows(rows: str, sign: str) -> list[str]:
    """The statements that add (sign '1') or remove ('-1') a transition table's rows."""
    keys = ", ".join(_key("r", k, True) for k in ROLLUP_KEYS)
    rollup = (
        f"INSERT INTO ledger_rollup ({', '.join(ROLLUP_KEYS)}, {', '.join(ROLLUP_VALUES)})"
        f" SELECT {keys}, {sign} * count(*), {sign} * count(r.hours_to_containment),"
        f" {sign} * coalesce(sum(r.hours_to_containment), 0),"
        f" {sign} * count(r.hours_to_closure), {sign} * coalesce(sum(r.hours_to_closure), 0)"
        f" FROM {rows} r GROUP BY {keys} {ROLLUP_UPSERT}"
    )
    pairs = ", ".join(f"('{dim}', coalesce(r.{dim}, ''))" for dim in DIMENSIONS)
    counts = (
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT d.dimension, r.month, d.value, {sign} * count(*) FROM {rows} r"
        f" CROSS JOIN LATERAL (VALUES {pairs}) AS d (dimension, value)"
        f" GROUP BY d.dimension, r.month, d.value {COUNTS_UPSERT}"
    )
    bones = (
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT 'bone', r.month, c.bone, {sign} * count(DISTINCT r.number) FROM {rows} r"
        " JOIN ledger_causes c ON c.number = r.number AND c.status = 'verified'"
        f" GROUP BY r.month, c.bone {COUNTS_UPSERT}"
    )
    hours = [
        "INSERT INTO ledger_hours (measure, month, bucket, n)"
        f" SELECT '{measure}', r.month, floor(r.{column})::integer, {sign} * count(*)"
        f" FROM {rows} r WHERE r.{column} IS NOT NULL"
        f" GROUP BY r.month, floor(r.{column})::integer {HOURS_UPSERT}"
        for measure, column in MEASURES
    ]
    return [rollup, counts, bones, *hours]


def _pg_bone(row: str, sign: str, unless: str) -> str:
    return (
        f"IF {row}.status = 'verified' AND NOT ({unless}) THEN "
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT 'bone', l.month, {row}.bone, {sign} FROM ledger l"
        f" WHERE l.number = {row}.number {COUNTS_UPSERT}; END IF;"
    )


def _pg_up() -> None:
    old = "; ".join(_pg_rows("old_rows", "-1"))
    new = "; ".join(_pg_rows("new_rows", "1"))
    op.execute(
        "CREATE FUNCTION eightd_ledger_rollup() RETURNS trigger AS $$ BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF;"
        f" IF TG_OP IN ('UPDATE', 'INSERT') THEN {new}; END IF;"
        " RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    for event, tables in transitions.items():
        op.execute(
            f"CREATE TRIGGER ledger_rollup_{event.lower()} AFTER {event} ON ledger"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION eightd_ledger_rollup()"
        )
    # BEFORE each row: the cause's own change is not visible yet, earlier rows' are
    other = " AND NOT (c.number = {row}.number AND c.cause_id = {row}.cause_id)"
    same_old = "OLD.status = 'verified' AND OLD.number = NEW.number AND OLD.bone = NEW.bone"
    same_new = "NEW.status = 'verified' AND OLD.number = NEW.number AND OLD.bone = NEW.bone"
    delete_old = _pg_bone("OLD", "-1", _same_bone("OLD", other.format(row="OLD"), sqlite=False))
    op.execute(
        "CREATE FUNCTION eightd_ledger_causes_rollup() RETURNS trigger AS $$ BEGIN"
        " IF TG_OP = 'INSERT' THEN "
        + _pg_bone("NEW", "1", _same_bone("NEW", sqlite=False))
        + " RETURN NEW; END IF;"
        " IF TG_OP = 'DELETE' THEN "
        + delete_old
        + " RETURN OLD; END IF; "
        + _pg_bone(
            "OLD",
            "-1",
            _same_bone("OLD", other.format(row="OLD"), sqlite=False) + f" OR ({same_new})",
        )
        + " "
        + _pg_bone(
            "NEW",
            "1",
            _same_bone("NEW", other.format(row="NEW"), sqlite=False) + f" OR ({same_old})",
        )
        + " RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER ledger_causes_rollup BEFORE INSERT OR UPDATE OR DELETE ON ledger_causes"
        " FOR EACH ROW EXECUTE FUNCTION eightd_ledger_causes_rollup()"
    )


# ---------------------------------------------------------------- both


def _create_tables() -> None:
    op.create_table(
        "ledger_rollup",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closure_kind", sa.String(16), nullable=False),
        sa.Column("satisfaction", sa.String(16), nullable=False),
        sa.Column("recurrence", sa.Boolean, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        *(sa.Column(state, sa.String(8), nullable=False) for state in STATES),
        sa.Column("first_due_month", sa.String(7), nullable=False),
        sa.Column("last_due_month", sa.String(7), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("containment_n", sa.BigInteger, nullable=False),
        sa.Column("containment_sum", sa.Float, nullable=False),
        sa.Column("closure_n", sa.BigInteger, nullable=False),
        sa.Column("closure_sum", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint(*ROLLUP_KEYS, name="pk_ledger_rollup"),
    )
    op.create_table(
        "ledger_counts",
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("dimension", "month", "value", name="pk_ledger_counts"),
    )
    op.create_table(
        "ledger_hours",
        sa.Column("measure", sa.String(12), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("bucket", sa.Integer, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("measure", "month", "bucket", name="pk_ledger_hours"),
    )


def _open_due_bounds(postgres: bool) -> None:
    """The rows derived already get the earliest / latest due time of their running clocks."""
    op.add_column("ledger", sa.Column("first_open_due", sa.DateTime(timezone=True)))
    op.add_column("ledger", sa.Column("last_open_due", sa.DateTime(timezone=True)))
    dues = [f"CASE WHEN {clock}_state = 'open' THEN {clock}_due END" for clock in CLOCKS]
    if postgres:
        first, last = f"least({', '.join(dues)})", f"greatest({', '.join(dues)})"
    else:  # SQLite's min() / max() of several values are NULL when one of them is
        first = "nullif(min(" + ", ".join(f"coalesce({d}, '9999')" for d in dues) + "), '9999')"
        last = "nullif(max(" + ", ".join(f"coalesce({d}, '')" for d in dues) + "), '')"
    op.execute(
        f"UPDATE ledger SET first_open_due = {first}, last_open_due = {last} WHERE {RUNNING}"
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _open_due_bounds(postgres)
    _create_tables()
    where = {"postgresql_where" if postgres else "sqlite_where": sa.text(RUNNING)}
    op.create_index("ix_ledger_running", "ledger", ["last_open_due"], **where)  # type: ignore[arg-type]
    if postgres:
        _pg_up()
    else:
        _sqlite_up()
    # the rows already derived: count them as the triggers would have
    for statement in _count_all(postgres):
        op.execute(statement)


def _count_all(postgres: bool) -> list[str]:
    keys = ", ".join(_key("r", k, postgres) for k in ROLLUP_KEYS)
    statements = [
        f"INSERT INTO ledger_rollup ({', '.join(ROLLUP_KEYS)}, {', '.join(ROLLUP_VALUES)})"
        f" SELECT {keys}, count(*), count(r.hours_to_containment),"
        " coalesce(sum(r.hours_to_containment), 0), count(r.hours_to_closure),"
        f" coalesce(sum(r.hours_to_closure), 0) FROM ledger r GROUP BY {keys}"
    ]
    statements += [
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        f" SELECT '{dim}', r.month, coalesce(r.{dim}, ''), count(*) FROM ledger r"
        f" GROUP BY r.month, coalesce(r.{dim}, '')"
        for dim in DIMENSIONS
    ]
    statements.append(
        "INSERT INTO ledger_counts (dimension, month, value, n)"
        " SELECT 'bone', r.month, c.bone, count(DISTINCT r.number) FROM ledger r"
        " JOIN ledger_causes c ON c.number = r.number AND c.status = 'verified'"
        " GROUP BY r.month, c.bone"
    )
    for measure, column in MEASURES:
        bucket = f"floor(r.{column})::integer" if postgres else f"CAST(r.{column} AS INTEGER)"
        statements.append(
            "INSERT INTO ledger_hours (measure, month, bucket, n)"
            f" SELECT '{measure}', r.month, {bucket}, count(*) FROM ledger r"
            f" WHERE r.{column} IS NOT NULL GROUP BY r.month, {bucket}"
        )
    return statements


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_causes_rollup ON ledger_causes")
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER ledger_rollup_{event} ON ledger")
        op.execute("DROP FUNCTION eightd_ledger_causes_rollup()")
        op.execute("DROP FUNCTION eightd_ledger_rollup()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER ledger_rollup_{name}")
            op.execute(f"DROP TRIGGER ledger_causes_rollup_{name}")
    op.drop_index("ix_ledger_running", "ledger")
    op.drop_table("ledger_hours")
    op.drop_table("ledger_counts")
    op.drop_table("ledger_rollup")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_column("last_open_due")
        batch.drop_column("first_open_due")
