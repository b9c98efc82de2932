"""Pre-aggregated ledger counts: what lets the KPI summary, a Pareto and the monthly trend
answer in milliseconds over a million complaints (rules AN-2, AN-3).

Three tables (migration 0009) are kept exactly up to date by database triggers on
``ledger`` and ``ledger_causes``, in SQLite and PostgreSQL alike, whoever writes the rows:

* ``ledger_rollup``: complaints per month × every state the KPI summary reads (status,
  closure kind, call-back outcome, recurrence, paused, each clock's state), with the counts
  and sums of the hours to containment and to closure;
* ``ledger_counts``: complaints per Pareto / trend dimension × month × value (``bone``: a
  complaint once per 5M1E category of its verified causes);
* ``ledger_hours``: the hours to containment / to closure per month in whole-hour buckets.

They answer for the whole ledger or whole months of it (in the policy's time zone); any other
filter reads the ledger rows themselves (indexed by customer, product and time). A clock
still running has no verdict until the time of the query, so ``ledger_rollup`` also keys
complaints by the (UTC) months of their first and last running due time: at *now*, those
whose last due month is over have every running clock late, those whose first due month is
still ahead none; only the complaints with a running clock due around the month of *now*
are read row by row (a partial index by the last due time finds them).
:func:`rebuild_rollups` recounts everything from scratch (``eightd ledger rebuild``);
:func:`bulk` sets the triggers aside while a transaction rewrites much of the ledger, and
recounts once at its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from eightd.store.tables import (
    CLOCK_KEYS,
    RUNNING_CLOCK_SQL,
    ledger,
    ledger_causes,
    ledger_counts,
    ledger_hours,
    ledger_rollup,
    ledger_state,
)

__all__ = [
    "COUNTED_DIMENSIONS",
    "MEASURES",
    "ROLLUP_KEYS",
    "Months",
    "bulk",
    "fresh_counts",
    "in_months",
    "rebuild_rollups",
    "running",
]

# the ledger columns ledger_counts counts (the triggers of migration 0009 name the same)
COUNTED_DIMENSIONS: tuple[str, ...] = (
    "category", "product", "customer", "severity", "defect_kind", "site", "department",
    "owner", "channel", "found_at", "stage", "status", "closure_kind", "satisfaction",
)  # fmt: skip
STATES = tuple(f"{key.lower()}_state" for key in CLOCK_KEYS)
ROLLUP_KEYS: tuple[str, ...] = (
    "month", "status", "closure_kind", "satisfaction", "recurrence", "paused", *STATES,
    "first_due_month", "last_due_month",
)  # fmt: skip
_NULLABLE = {"closure_kind", "satisfaction", *STATES}
MEASURES: dict[str, str] = {
    "containment": "hours_to_containment",
    "closure": "hours_to_closure",
}

# [first month, month after the last): None for an open end
Months = tuple[str | None, str | None]


def running() -> sa.ColumnElement[bool]:
    """Ledger rows with a clock still running; the text of the partial index
    ``ix_ledger_running``, which SQLite uses only for the very same condition."""
    # text, not a Boolean column: SQLite would compare a Boolean with 1, and a condition
    # worded otherwise than the index's does not use it
    return sa.text(f"({RUNNING_CLOCK_SQL})")  # type: ignore[return-value]


def in_months(column: sa.ColumnElement[Any], months: Months) -> list[sa.ColumnElement[bool]]:
    start, end = months
    out: list[sa.ColumnElement[bool]] = []
    if start is not None:
        out.append(column >= start)
    if end is not None:
        out.append(column < end)
    return out


# ---------------------------------------------------------------- recounting


# a literal, not a parameter: PostgreSQL matches GROUP BY terms by their text
_EMPTY: sa.ColumnElement[str] = sa.literal_column("''")


# the UTC month of a running due time, as the triggers compute it ('' / '9999' for none)
_DUE_MONTH = {
    "sqlite": "coalesce(substr(ledger.{column}, 1, 7), '{none}')",
    "postgresql": "coalesce(to_char(ledger.{column} AT TIME ZONE 'UTC', 'YYYY-MM'), '{none}')",
}
_DUE_OF = {"first_due_month": ("first_open_due", ""), "last_due_month": ("last_open_due", "9999")}


def _key(column: str, dialect: str) -> sa.ColumnElement[Any]:
    if column in _DUE_OF:
        source, none = _DUE_OF[column]
        return sa.literal_column(_DUE_MONTH[dialect].format(column=source, none=none))
    value = ledger.c[column]
    return sa.func.coalesce(value, _EMPTY) if column in _NULLABLE else value


def _bucket(conn: sa.Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The whole hour below a number of hours, as the triggers compute it."""
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.floor(column), sa.Integer)
    return sa.cast(column, sa.Integer)  # SQLite truncates, and hours are never negative


def fresh_counts(conn: sa.Connection) -> dict[str, sa.Select[Any]]:
    """Per rollup table, the query that counts its rows from scratch (zero groups left out),
    in the table's column order."""
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    keys = [_key(k, dialect).label(k) for k in ROLLUP_KEYS]
    c = ledger.c
    rollup = sa.select(
        *keys,
        sa.func.count().label("n"),
        sa.func.count(c.hours_to_containment).label("containment_n"),
        sa.func.coalesce(sa.func.sum(c.hours_to_containment), sa.literal_column("0.0")).label(
            "containment_sum"
        ),
        sa.func.count(c.hours_to_closure).label("closure_n"),
        sa.func.coalesce(sa.func.sum(c.hours_to_closure), sa.literal_column("0.0")).label(
            "closure_sum"
        ),
    ).group_by(*(_key(k, dialect) for k in ROLLUP_KEYS))
    parts: list[sa.Select[Any]] = [
        sa.select(
            sa.literal(dim, sa.String).label("dimension"),
            c.month,
            sa.func.coalesce(c[dim], _EMPTY).label("value"),
            sa.func.count().label("n"),
        ).group_by(c.month, sa.func.coalesce(c[dim], _EMPTY))
        for dim in COUNTED_DIMENSIONS
    ]
    parts.append(
        sa.select(
            sa.literal("bone", sa.String).label("dimension"),
            c.month,
            ledger_causes.c.bone.label("value"),
            sa.func.count(sa.distinct(c.number)).label("n"),
        )
        .select_from(ledger.join(ledger_causes, ledger_causes.c.number == c.number))
        .where(ledger_causes.c.status == "verified")
        .group_by(c.month, ledger_causes.c.bone)
    )
    hours: list[sa.Select[Any]] = []
    for measure, name in MEASURES.items():
        bucket = _bucket(conn, c[name])
        hours.append(
            sa.select(
                sa.literal(measure, sa.String).label("measure"),
                c.month,
                bucket.label("bucket"),
                sa.func.count().label("n"),
            )
            .where(c[name].is_not(None))
            .group_by(c.month, bucket)
        )
    return {
        "ledger_rollup": rollup,
        "ledger_counts": sa.union_all(*parts).subquery().select(),
        "ledger_hours": sa.union_all(*hours).subquery().select(),
    }


def rebuild_rollups(conn: sa.Connection) -> int:
    """Recount the rollups from the ledger rows (the caller commits). The triggers keep
    them exact; this drops the groups that reached zero, and repairs a store whose
    triggers were lost (a migration that rebuilt ``ledger`` without them)."""
    tables = {t.name: t for t in (ledger_rollup, ledger_counts, ledger_hours)}
    for name, query in fresh_counts(conn).items():
        table = tables[name]
        conn.execute(table.delete())
        conn.execute(table.insert().from_select([c.name for c in table.columns], query))
    return int(conn.execute(sa.select(sa.func.count()).select_from(ledger)).scalar() or 0)


# a transaction holding this ledger_state row (never committed) silences the rollup
# triggers (migration 0010)
BULK_KEY = "bulk"


@contextmanager
def bulk(conn: sa.Connection) -> Iterator[None]:
    """Within the caller's transaction: the rollup triggers do nothing while the block
    writes ledger rows, and the rollups are recounted from scratch when it ends. Worth it
    when the block rewrites a good part of the ledger (a full re-derive, a large import):
    one recount costs far less than a trigger per written row.

    Other transactions never see the marker row. On PostgreSQL the ledger and its rollups
    are locked against other writers (not readers) first: another refresh committed while
    the block runs would otherwise change rows the recount has already read, or adjust
    rollups the recount then replaces; it waits for this transaction instead (SQLite has
    one writer at a time anyway). An exception leaves the transaction to be rolled back,
    the marker with it."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "LOCK TABLE ledger, ledger_causes, ledger_rollup, ledger_counts, ledger_hours"
            " IN EXCLUSIVE MODE"
        )
    # never committed, so never left behind: a plain insert (a nested block would fail)
    conn.execute(ledger_state.insert().values(key=BULK_KEY, value="1"))
    yield
    rebuild_rollups(conn)
    conn.execute(ledger_state.delete().where(ledger_state.c.key == BULK_KEY))
