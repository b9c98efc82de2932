"""KPIs of the ledger, computed by the database (DOMAIN §6, seed 003 §六).

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

Every figure is one aggregate query (plus one ordered, offset query per percentile, which
SQLite and PostgreSQL answer alike), never a loop over cases in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eightd.analytics.ledger import Filters
from eightd.policy import Policy
from eightd.store.tables import CLOCK_KEYS, ledger, shipments

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


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


class _Clocks:
    """The SQL expressions of each clock's verdict at ``now`` under the policy."""

    def __init__(self, policy: Policy, now: datetime) -> None:
        self.rules = policy.analytics
        self.now = now.astimezone(UTC)

    @staticmethod
    def state(key: str) -> sa.ColumnElement[str]:
        # never NULL: SQL's three-valued logic would turn "not late" into unknown
        return sa.func.coalesce(ledger.c[f"{key.lower()}_state"], "")

    def running_late(self, key: str) -> sa.ColumnElement[bool]:
        c = ledger.c
        name = key.lower()
        late = sa.and_(self.state(key) == "open", c[f"{name}_due"] < self.now)
        if self.rules.paused_stops_clock:
            late = sa.and_(late, c.paused.is_(False))
        return late

    def late(self, key: str) -> sa.ColumnElement[bool]:
        verdict = sa.or_(self.state(key) == "late", self.running_late(key))
        if key == "D8" and self.rules.abnormal_closure == "late":
            verdict = sa.or_(verdict, self.abnormal)
        return verdict

    def on_time(self, key: str) -> sa.ColumnElement[bool]:
        verdict = self.state(key) == "on_time"
        if key == "D8" and self.rules.abnormal_closure != "as_timed":
            verdict = sa.and_(verdict, sa.not_(self.abnormal))
        return verdict

    def counted(self, key: str) -> sa.ColumnElement[bool]:
        """Rows that belong in the clock's rate (abnormal closures may be left out)."""
        if key in ("D8", "*") and self.rules.abnormal_closure == "exclude":
            return sa.not_(self.abnormal)
        return sa.true()

    @property
    def abnormal(self) -> sa.ColumnElement[bool]:
        return sa.func.coalesce(ledger.c.closure_kind, "") == "abnormal"


def kpis(
    conn: sa.Connection, policy: Policy, *, now: datetime, filters: Filters | None = None
) -> Kpis:
    """The KPI summary of the complaints the filters select, at ``now``."""
    filters = filters or Filters()
    where = filters.where()
    c = ledger.c
    clocks = _Clocks(policy, now)
    columns: list[sa.ColumnElement[Any]] = [
        sa.func.count().label("complaints"),
        sa.func.sum(_flag(c.status == "open")).label("open"),
        sa.func.sum(_flag(sa.func.coalesce(c.satisfaction, "") == "satisfied")).label("sat"),
        sa.func.sum(_flag(c.satisfaction.in_(_reached(policy)))).label("called"),
        sa.func.sum(_flag(c.recurrence.is_(True))).label("recurrences"),
        sa.func.avg(c.hours_to_containment).label("containment_mean"),
        sa.func.avg(c.hours_to_closure).label("closure_mean"),
    ]
    any_late = sa.or_(*(clocks.late(k) for k in CLOCK_KEYS))
    any_running_late = sa.or_(*(clocks.running_late(k) for k in CLOCK_KEYS))
    for key in CLOCK_KEYS:
        on_time = sa.and_(clocks.counted(key), clocks.on_time(key))
        late = sa.and_(clocks.counted(key), clocks.late(key))
        columns.append(sa.func.sum(_flag(on_time)).label(f"{key}_on"))
        columns.append(sa.func.sum(_flag(late)).label(f"{key}_late"))
        columns.append(
            sa.func.sum(_flag(sa.and_(c.status == "open", clocks.running_late(key)))).label(
                f"{key}_overdue"
            )
        )
    decided = sa.or_(clocks.on_time("D8"), clocks.late("D8"), any_late)
    overall = sa.and_(clocks.counted("*"), decided)
    columns.append(sa.func.sum(_flag(overall)).label("all_decided"))
    columns.append(
        sa.func.sum(_flag(sa.and_(overall, sa.not_(any_late), clocks.on_time("D8")))).label(
            "all_on"
        )
    )
    columns.append(sa.func.sum(_flag(sa.and_(c.status == "open", any_running_late))).label("od"))
    row = conn.execute(sa.select(*columns).where(*where)).one()
    by_clock = {}
    for key in CLOCK_KEYS:
        on, missed = _n(getattr(row, f"{key}_on")), _n(getattr(row, f"{key}_late"))
        if on + missed:
            by_clock[key] = Rate(on, on + missed)
    complaints = _n(row.complaints)
    return Kpis(
        complaints=complaints,
        open=_n(row.open),
        closed=complaints - _n(row.open),
        on_time=Rate(_n(row.all_on), _n(row.all_decided)),
        on_time_by_clock=by_clock,
        satisfaction=Rate(_n(row.sat), _n(row.called)),
        incidence=_incidence(conn, filters, policy),
        recurrence=Rate(_n(row.recurrences), complaints),
        overdue=_n(row.od),
        overdue_by_clock={
            k: _n(getattr(row, f"{k}_overdue")) for k in CLOCK_KEYS if getattr(row, f"{k}_overdue")
        },
        containment_hours_mean=_round(row.containment_mean),
        containment_hours_p90=percentile(conn, c.hours_to_containment, 0.9, where),
        closure_hours_mean=_round(row.closure_mean),
        closure_hours_p90=percentile(conn, c.hours_to_closure, 0.9, where),
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


def _incidence(conn: sa.Connection, filters: Filters, policy: Policy) -> Rate:
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
    shipped = sa.exists().where(s.product == ledger.c.product, s.month == ledger.c.month)
    count_query = sa.select(sa.func.count()).select_from(ledger).where(*filters.where(), shipped)
    return Rate(_n(conn.execute(count_query).scalar()), units)


_TICK = timedelta(microseconds=1)


def _month(moment: datetime, policy: Policy) -> str:
    return moment.astimezone(policy.tz).strftime("%Y-%m")
