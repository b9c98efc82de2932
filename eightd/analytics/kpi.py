"""KPIs of the ledger, computed by the database (rules AN-2, AN-3).

* on-time handling rate (投诉处理及时率) = complaints handled within the limit / complaints
  whose handling is decided, per stage clock and overall. A clock is decided when it is done
  (on time or late) or past due while running. Abnormal closures count as the policy's
  ``[analytics] abnormal_closure`` says (D8 and overall); a paused case's running clocks are
  not overdue when ``paused_stops_clock``. Overall, a complaint is on time when its closure
  clock (D8) is decided and none of its clocks is late.
* satisfaction (客户满意度) = satisfied / call-backs that reached the customer.
* incidence (投诉发生率) = complaints / units shipped or sold, over the products and months
  whose shipments are recorded.
* mean and 90th percentile (nearest rank) of the hours to containment and to closure.
* recurrence rate = complaints flagged as a recurrence / complaints.
* overdue = open cases with a running clock past due, in total and per clock.

The figures come from complaints counted per combination of their states (a few thousand
groups, however many complaints). For the whole ledger or whole months of it, the groups of
complaints whose clocks are all decided come from the rollup the triggers keep
(:mod:`eightd.analytics.rollup`) and only the complaints with a running clock are read
row by row; a percentile finds the whole-hour bucket holding its rank in the rollup's
histogram, then reads that bucket's rows. Any other filter groups the ledger rows
themselves. SQLite and PostgreSQL answer alike; no case is loaded into Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eightd.analytics.ledger import Filters
from eightd.analytics.rollup import MEASURES, Months, in_months, running
from eightd.policy import Policy
from eightd.store.tables import (
    CLOCK_KEYS,
    ledger,
    ledger_counts,
    ledger_hours,
    ledger_rollup,
    shipments,
)

__all__ = ["Kpis", "Rate", "kpis", "percentile"]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class Kpis:
    complaints: int
    open: int
    closed: int
    on_time: Rate
    on_time_by_clock: dict[str, Rate]
    satisfaction: Rate
    incidence: Rate  # complaints / units shipped or sold
    recurrence: Rate
    overdue: int
    overdue_by_clock: dict[str, int]
    containment_hours_mean: float | None
    containment_hours_p90: float | None
    closure_hours_mean: float | None
    closure_hours_p90: float | None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _n(value: Any) -> int:
    return int(value or 0)


_RUNNING_LATE = "running_late"


def _verdict(key: str, policy: Policy, now: datetime) -> sa.ColumnElement[Any]:
    """A clock's state at ``now``: a running clock past its due time is running late
    (unless the case is paused and the policy stops paused clocks)."""
    c = ledger.c
    name = key.lower()
    state, due = c[f"{name}_state"], c[f"{name}_due"]
    past_due = due < now.astimezone(UTC)
    if policy.analytics.paused_stops_clock:
        past_due = sa.and_(past_due, c.paused.is_(False))
    running = sa.case((past_due, _RUNNING_LATE), else_="open")
    return sa.case((state == "open", running), else_=state)


@dataclass(frozen=True)
class _Group:
    """One combination of the ledger's states, and how many complaints have it."""

    status: str
    abnormal: bool
    satisfaction: str | None
    recurrence: bool
    verdicts: dict[str, str | None]
    count: int

    def on_time(self, key: str, rules: Any) -> bool:
        on = self.verdicts[key] == "on_time"
        if key == "D8" and rules.abnormal_closure != "as_timed":
            on = on and not self.abnormal
        return on

    def late(self, key: str, rules: Any) -> bool:
        late = self.verdicts[key] in ("late", _RUNNING_LATE)
        if key == "D8" and rules.abnormal_closure == "late":
            late = late or self.abnormal
        return late

    def counted(self, key: str, rules: Any) -> bool:
        excluded = rules.abnormal_closure == "exclude" and self.abnormal
        return not (key in ("D8", "*") and excluded)

    def any_late(self, rules: Any) -> bool:
        return any(self.late(k, rules) for k in CLOCK_KEYS)

    def decided(self, rules: Any) -> bool:
        """Counted in the overall rate: the closure clock decided, or a clock late."""
        d8 = self.on_time("D8", rules) or self.late("D8", rules)
        return self.counted("*", rules) and (d8 or self.any_late(rules))


def _groups(
    conn: sa.Connection, policy: Policy, now: datetime, where: list[sa.ColumnElement[bool]]
) -> tuple[list[_Group], list[float]]:
    """The complaints counted per combination of status, closure kind, call-back outcome,
    recurrence and every clock's verdict at ``now``; and the sums and counts of the hours
    to containment and to closure."""
    c = ledger.c
    keys: list[sa.ColumnElement[Any]] = [
        c.status,
        sa.func.coalesce(c.closure_kind, "") == "abnormal",
        c.satisfaction,
        c.recurrence,
        *(_verdict(k, policy, now) for k in CLOCK_KEYS),
    ]
    query = (
        sa.select(
            *(k.label(f"k{i}") for i, k in enumerate(keys)),
            sa.func.count().label("n"),
            sa.func.sum(c.hours_to_containment).label("sum_containment"),
            sa.func.count(c.hours_to_containment).label("n_containment"),
            sa.func.sum(c.hours_to_closure).label("sum_closure"),
            sa.func.count(c.hours_to_closure).label("n_closure"),
        )
        .where(*where)
        .group_by(*(sa.literal_column(f"k{i}") for i in range(len(keys))))
    )
    return _collect((list(row)[: len(keys)], row) for row in conn.execute(query))


def _collect(rows: Iterable[tuple[list[Any], Any]]) -> tuple[list[_Group], list[float]]:
    """Groups from (status, abnormal, satisfaction, recurrence, each clock's verdict) and
    the row holding the count and the sums of hours."""
    groups: list[_Group] = []
    sums = [0.0, 0.0, 0.0, 0.0]
    for keys, row in rows:
        values = [None if v == "" else v for v in keys]
        if not row.n:
            continue  # a rollup group that reached zero
        groups.append(
            _Group(
                status=str(values[0]),
                abnormal=bool(values[1]),
                satisfaction=values[2],
                recurrence=bool(values[3]),
                verdicts=dict(zip(CLOCK_KEYS, values[4 : 4 + len(CLOCK_KEYS)], strict=True)),
                count=int(row.n),
            )
        )
        sums[0] += float(row.sum_containment or 0)
        sums[1] += _n(row.n_containment)
        sums[2] += float(row.sum_closure or 0)
        sums[3] += _n(row.n_closure)
    return groups, sums


def _rollup_groups(
    conn: sa.Connection, policy: Policy, now: datetime, months: Months
) -> tuple[list[_Group], list[float]]:
    """The groups of the months' complaints. From the rollup: those whose clocks are all
    decided; those whose running clocks were all due before the month of ``now`` (running
    late, unless paused and the policy stops paused clocks); those whose running clocks
    all fall due after it (not late yet). Row by row (the partial index): the rest."""
    r = ledger_rollup.c
    moment = now.astimezone(UTC)
    this_month = moment.strftime("%Y-%m")
    month_start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_start = (month_start + timedelta(days=32)).replace(day=1)
    settled = sa.and_(*(r[f"{key.lower()}_state"] != "open" for key in CLOCK_KEYS))
    late = r.last_due_month < this_month  # '9999' (none) never is
    ahead = sa.and_(r.first_due_month > this_month, r.last_due_month >= this_month)
    stops = policy.analytics.paused_stops_clock
    late_now = sa.and_(late, r.paused.is_(False)) if stops else late
    # a running clock of a row all of whose running clocks were due before this month
    # is running late (the verdict, as _verdict gives it row by row)
    verdicts = [
        sa.case(
            (sa.and_(late_now, r[f"{key.lower()}_state"] == "open"), _RUNNING_LATE),
            else_=r[f"{key.lower()}_state"],
        )
        for key in CLOCK_KEYS
    ]
    keys: list[sa.ColumnElement[Any]] = [
        r.status,
        r.closure_kind == "abnormal",
        r.satisfaction,
        r.recurrence,
        *verdicts,
    ]
    query = (
        sa.select(
            *(k.label(f"k{i}") for i, k in enumerate(keys)),
            sa.func.sum(r.n).label("n"),
            sa.func.sum(r.containment_sum).label("sum_containment"),
            sa.func.sum(r.containment_n).label("n_containment"),
            sa.func.sum(r.closure_sum).label("sum_closure"),
            sa.func.sum(r.closure_n).label("n_closure"),
        )
        .where(sa.or_(settled, late, ahead), *in_months(r.month, months))
        .group_by(*(sa.literal_column(f"k{i}") for i in range(len(keys))))
    )
    rows = ((list(row)[: len(keys)], row) for row in conn.execute(query))
    groups, sums = _collect(rows)
    c = ledger.c
    around = sa.or_(c.first_open_due.is_(None), c.first_open_due < next_start)
    for due in (c.last_open_due >= month_start, c.last_open_due.is_(None)):
        where = [running(), due, around, *in_months(c.month, months)]
        live, live_sums = _groups(conn, policy, now, where)
        groups += live
        sums = [a + b for a, b in zip(sums, live_sums, strict=True)]
    return groups, sums


def kpis(
    conn: sa.Connection, policy: Policy, *, now: datetime, filters: Filters | None = None
) -> Kpis:
    """The KPI summary of the complaints the filters select, at ``now``.

    GROUP BY queries count the complaints per combination of their states (a few thousand
    groups at a million complaints); the rates are summed from the groups in one pass.
    """
    filters = filters or Filters()
    where = filters.where()
    rules = policy.analytics
    months = filters.months(policy)
    if months is None:
        groups, sums = _groups(conn, policy, now, where)
    else:
        groups, sums = _rollup_groups(conn, policy, now, months)

    # one pass over the groups (a few thousand at a million complaints)
    on = dict.fromkeys(CLOCK_KEYS, 0)
    missed = dict.fromkeys(CLOCK_KEYS, 0)
    overdue_by = dict.fromkeys(CLOCK_KEYS, 0)
    complaints = open_ = on_time = decided = satisfied = asked = recurred = overdue = 0
    reached = _reached(policy)
    for g in groups:
        n = g.count
        complaints += n
        is_open = g.status == "open"
        open_ += n if is_open else 0
        for key in CLOCK_KEYS:
            if g.counted(key, rules):
                if g.on_time(key, rules):
                    on[key] += n
                elif g.late(key, rules):
                    missed[key] += n
            if is_open and g.verdicts[key] == _RUNNING_LATE:
                overdue_by[key] += n
        if g.decided(rules):
            decided += n
            if not g.any_late(rules) and g.on_time("D8", rules):
                on_time += n
        satisfied += n if g.satisfaction == "satisfied" else 0
        asked += n if g.satisfaction in reached else 0
        recurred += n if g.recurrence else 0
        overdue += n if is_open and _RUNNING_LATE in g.verdicts.values() else 0
    by_clock = {k: Rate(on[k], on[k] + missed[k]) for k in CLOCK_KEYS if on[k] + missed[k]}
    overdue_by_clock = {k: v for k, v in overdue_by.items() if v}
    return Kpis(
        complaints=complaints,
        open=open_,
        closed=complaints - open_,
        on_time=Rate(on_time, decided),
        on_time_by_clock=by_clock,
        satisfaction=Rate(satisfied, asked),
        incidence=_incidence(conn, filters, policy, months),
        recurrence=Rate(recurred, complaints),
        overdue=overdue,
        overdue_by_clock=overdue_by_clock,
        containment_hours_mean=_round(sums[0] / sums[1]) if sums[1] else None,
        containment_hours_p90=_p90(conn, "containment", where, months),
        closure_hours_mean=_round(sums[2] / sums[3]) if sums[3] else None,
        closure_hours_p90=_p90(conn, "closure", where, months),
        at=now,
    )


def _reached(policy: Policy) -> tuple[str, ...]:
    if policy.analytics.satisfaction_counts_unanswered:
        return ("satisfied", "not_satisfied", "no_answer")
    return ("satisfied", "not_satisfied")


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def percentile(
    conn: sa.Connection,
    column: sa.ColumnElement[Any],
    fraction: float,
    where: list[sa.ColumnElement[bool]],
) -> float | None:
    """The nearest-rank percentile (the value at rank ceil(fraction × n)) of ``column``.

    Nearest rank is what PostgreSQL's ``percentile_disc`` computes; SQLite has no
    percentile function, so both run the same two queries: the count, then the row at
    that offset in the column's order (an index scan when the column is indexed).
    """
    present = [*where, column.is_not(None)]
    n = _n(conn.execute(sa.select(sa.func.count()).select_from(ledger).where(*present)).scalar())
    if not n:
        return None
    rank = max(1, math.ceil(fraction * n))
    query = sa.select(column).where(*present).order_by(column).offset(rank - 1).limit(1)
    return _round(conn.execute(query).scalar())


def _p90(
    conn: sa.Connection, measure: str, where: list[sa.ColumnElement[bool]], months: Months | None
) -> float | None:
    column = ledger.c[MEASURES[measure]]
    if months is None:
        return percentile(conn, column, 0.9, where)
    return _rollup_percentile(conn, measure, 0.9, months)


def _rollup_percentile(
    conn: sa.Connection, measure: str, fraction: float, months: Months
) -> float | None:
    """The nearest-rank percentile of a measure over whole months: the rollup's histogram
    says which whole-hour bucket holds the rank, then that bucket's rows are read."""
    h = ledger_hours.c
    n_sum = sa.func.sum(h.n)
    counts = conn.execute(
        sa.select(h.bucket, n_sum)
        .where(h.measure == measure, *in_months(h.month, months))
        .group_by(h.bucket)
        .having(n_sum > 0)
        .order_by(h.bucket)
    ).all()
    total = sum(int(n) for _, n in counts)
    if not total:
        return None
    rank, below, bucket = max(1, math.ceil(fraction * total)), 0, 0
    for bucket_n in counts:
        bucket = int(bucket_n[0])
        if below + int(bucket_n[1]) >= rank:
            break
        below += int(bucket_n[1])
    column = ledger.c[MEASURES[measure]]
    query = (
        sa.select(column)
        .where(column >= bucket, column < bucket + 1, *in_months(ledger.c.month, months))
        .order_by(column)
        .offset(rank - below - 1)
        .limit(1)
    )
    return _round(conn.execute(query).scalar())


def _incidence(
    conn: sa.Connection, filters: Filters, policy: Policy, months: Months | None = None
) -> Rate:
    """Complaints / units over the (product, month) pairs whose shipments are recorded.
    Shipments are not per customer: with a customer filter there is no incidence."""
    if filters.customer:
        return Rate(0, 0)
    s = shipments.c
    units_query = sa.select(sa.func.sum(s.quantity))
    if filters.product:
        units_query = units_query.where(s.product == filters.product)
    if filters.start is not None:
        units_query = units_query.where(s.month >= _month(filters.start, policy))
    if filters.end is not None:
        units_query = units_query.where(s.month <= _month(filters.end - _TICK, policy))
    units = _n(conn.execute(units_query).scalar())
    if not units:
        return Rate(0, 0)
    if months is not None:
        k = ledger_counts.c
        shipped = sa.exists().where(s.product == k.value, s.month == k.month)
        count_query = sa.select(sa.func.sum(k.n)).where(
            k.dimension == "product", *in_months(k.month, months), shipped
        )
    else:
        shipped = sa.exists().where(s.product == ledger.c.product, s.month == ledger.c.month)
        count_query = (
            sa.select(sa.func.count()).select_from(ledger).where(*filters.where(), shipped)
        )
    return Rate(_n(conn.execute(count_query).scalar()), units)


_TICK = timedelta(microseconds=1)


def _month(moment: datetime, policy: Policy) -> str:
    return moment.astimezone(policy.tz).strftime("%Y-%m")
