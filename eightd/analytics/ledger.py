"""The ledger (跟踪台账) as rows the database can aggregate, and the search index.

Each case gets one narrow ``ledger`` row (and one ``ledger_causes`` row per cause), derived
from its document and from the policy's clocks (:func:`eightd.policy.schedule`): the
register's columns (received, handling department, stage, result, closure date ...), the
state and due time of every stage clock, hours to containment and to closure. KPI, Pareto and
trend queries scan these rows, never the JSON documents. The same refresh keeps the
full-text index of similar cases (:mod:`eightd.analytics.search`) current.

:func:`refresh_ledger` keeps them current incrementally: it re-derives the cases saved
since the last refresh (a database trigger on ``cases`` lists them in ``ledger_dirty``, so no
save path can forget it), and every case when the policy or the holiday calendar changed
(their fingerprint is stored in ``ledger_state``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from importlib import metadata as importlib_metadata
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from eightd.analytics.rollup import Months, bulk
from eightd.analytics.search import index_cases
from eightd.domain import CallbackOutcome, Case, Stage, TeamRole
from eightd.policy import ClockState, Policy, schedule, stage_done_at
from eightd.store.tables import (
    CLOCK_KEYS,
    cases,
    ledger,
    ledger_causes,
    ledger_dirty,
    ledger_state,
)

__all__ = [
    "LEDGER_COLUMNS",
    "Filters",
    "ledger_frame",
    "ledger_row",
    "policy_fingerprint",
    "refresh_ledger",
    "with_open_due_bounds",
]

_CHUNK = 500

_STATE = {
    ClockState.DONE_ON_TIME: "on_time",
    ClockState.DONE_LATE: "late",
    ClockState.DUE: "open",
    ClockState.DUE_SOON: "open",
    ClockState.OVERDUE: "open",
}


@dataclass(frozen=True)
class Filters:
    """Which complaints a KPI, Pareto or trend covers: received in [start, end), and exact
    customer / product / category / severity / site values when given."""

    start: datetime | None = None
    end: datetime | None = None
    customer: str | None = None
    product: str | None = None
    category: str | None = None
    severity: str | None = None
    site: str | None = None
    status: str | None = None
    stage: str | None = None

    def where(self, table: sa.Table = ledger) -> list[sa.ColumnElement[bool]]:
        c = table.c
        out: list[sa.ColumnElement[bool]] = []
        if self.start is not None:
            out.append(c.received_at >= self.start.astimezone(UTC))
        if self.end is not None:
            out.append(c.received_at < self.end.astimezone(UTC))
        for name in ("customer", "product", "category", "severity", "site", "status", "stage"):
            value = getattr(self, name)
            if value:
                out.append(c[name] == value)
        return out

    def months(self, policy: Policy) -> Months | None:
        """The months these filters cover, when the rollups can answer them: no filter but
        the period, and the period's ends at the start of a month in the policy's time
        zone."""
        others = ("customer", "product", "category", "severity", "site", "status", "stage")
        if any(getattr(self, name) for name in others):
            return None
        bounds: list[str | None] = []
        for moment in (self.start, self.end):
            if moment is None:
                bounds.append(None)
                continue
            local = moment.astimezone(policy.tz)
            if local != local.replace(day=1, hour=0, minute=0, second=0, microsecond=0):
                return None
            bounds.append(local.strftime("%Y-%m"))
        return bounds[0], bounds[1]


# ---------------------------------------------------------------- deriving rows


def _canonical(value: Any) -> Any:
    """A representation of policy values that is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            [(f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)],
        )
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | MappingProxyType):
        return sorted((str(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sorted(str(_canonical(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return repr(value)


def policy_fingerprint(policy: Policy) -> str:
    """What the derived rows depend on: time zone, calendar, grading, deadlines, closure,
    analytics rules, and the holiday library's version."""
    try:
        calendar_version = importlib_metadata.version("chinesecalendar")
    except importlib_metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        calendar_version = "?"
    parts = (
        policy.timezone,
        policy.calendar,
        policy.grading,
        policy.deadlines,
        policy.closure,
        policy.analytics,
        calendar_version,
    )
    return hashlib.sha256(repr(_canonical(parts)).encode()).hexdigest()[:40]


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return round((end - start).total_seconds() / 3600.0, 3)


def _satisfaction(case: Case) -> str | None:
    answered = [
        c for c in case.callbacks if c.at is not None and c.outcome is not CallbackOutcome.NO_ANSWER
    ]
    if answered:
        return max(answered, key=lambda c: c.at or datetime.min.replace(tzinfo=UTC)).outcome.value
    return CallbackOutcome.NO_ANSWER.value if case.callbacks else None


def _result(case: Case) -> str:
    closure = case.closure
    text = (closure.reason or closure.lessons_learned) if closure else case.validity_note
    return " ".join(text.split())[:300]


def _leader(case: Case) -> tuple[str, str]:
    """(owner, handling department): the team leader, else the first team member; the
    department falls back to the first department named at intake."""
    leaders = [m for m in case.team if m.role is TeamRole.LEADER] or case.team[:1]
    owner = leaders[0].name if leaders else ""
    department = leaders[0].department if leaders else ""
    if not department and case.intake.departments:
        department = case.intake.departments[0]
    return owner[:200], department[:200]


def ledger_row(case: Case, policy: Policy, *, now: datetime) -> dict[str, Any]:
    """The ledger row of one case at ``now`` (what :func:`refresh_ledger` writes)."""
    intake = case.intake
    received = intake.received_at or case.created_at or now
    plan = schedule(case, policy, now=now)
    owner, department = _leader(case)
    containment_done = stage_done_at(case, Stage.D3) if case.needs_8d else None
    closed_at = case.closure.closed_at if case.closure else None
    row: dict[str, Any] = {
        "number": case.number,
        "computed_at": now.astimezone(UTC),
        "received_at": received.astimezone(UTC),
        "month": received.astimezone(policy.tz).strftime("%Y-%m"),
        "status": case.status.value,
        "stage": case.stage.value,
        "severity": case.grading.severity.value if case.grading.severity else None,
        "validity": case.validity.value if case.validity else None,
        "category": intake.category.value,
        "channel": intake.channel.value,
        "found_at": intake.found_at.value if intake.found_at else None,
        "defect_kind": intake.defect_kinds[0].value if intake.defect_kinds else None,
        "customer": intake.customer_name[:200],
        "product": intake.product_number[:80],
        "site": intake.site[:200],
        "department": department,
        "owner": owner,
        "closure_kind": case.closure.kind.value if case.closure else None,
        "closed_at": closed_at.astimezone(UTC) if closed_at else None,
        "result": _result(case),
        "satisfaction": _satisfaction(case),
        "shipped_quantity": intake.shipped_quantity,
        "hours_to_containment": _hours(received, containment_done),
        "hours_to_closure": _hours(received, closed_at),
        "paused": any(c.paused for c in plan.clocks),
        "recurrence": intake.recurrence or case.problem.repeat_occurrence,
        "recurrence_of": case.problem.previous_8d[:80] or None,
    }
    for key in CLOCK_KEYS:
        clock = plan.clock(key)
        state = _STATE.get(clock.state)
        name = key.lower()
        row[f"{name}_state"] = state
        row[f"{name}_due"] = clock.due.astimezone(UTC) if state and clock.due else None
    return with_open_due_bounds(row)


def with_open_due_bounds(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with ``first_open_due`` and ``last_open_due``: the earliest and the latest
    due time of its running clocks (None when none runs), from its clock columns."""
    dues = [
        row[f"{key.lower()}_due"]
        for key in CLOCK_KEYS
        if row.get(f"{key.lower()}_state") == "open" and row.get(f"{key.lower()}_due") is not None
    ]
    row["first_open_due"] = min(dues) if dues else None
    row["last_open_due"] = max(dues) if dues else None
    return row


def _cause_rows(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "number": case.number,
            "cause_id": c.id,
            "bone": c.category.value,
            "type": c.type.value,
            "status": c.status.value,
            "text": c.text[:500],
        }
        for c in case.causes
    ]


# ---------------------------------------------------------------- refreshing


def _state(conn: sa.Connection) -> dict[str, str]:
    return {row.key: row.value for row in conn.execute(sa.select(ledger_state))}


def _put_state(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(ledger_state.delete().where(ledger_state.c.key == key))
    conn.execute(ledger_state.insert().values(key=key, value=value))


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def refresh_ledger(uow: Any, policy: Policy, *, now: datetime) -> int:
    """Bring the ledger rows and the search index up to date; commit.

    Re-derives the cases saved since the last refresh (a trigger on ``cases`` lists them in
    ``ledger_dirty``), or every case when the policy's fingerprint changed. Returns how
    many cases were derived. When that is a good part of the ledger (every case, a large
    import), the rollup triggers stand aside and the rollups are recounted once at the end.
    """
    conn: sa.Connection = uow.connection
    fingerprint = policy_fingerprint(policy)
    marks = conn.execute(sa.select(ledger_dirty.c.id, ledger_dirty.c.number)).all()
    everything = _state(conn).get("fingerprint") != fingerprint
    if everything:
        numbers = list(conn.execute(sa.select(cases.c.number).order_by(cases.c.number)).scalars())
    else:
        numbers = sorted({row.number for row in marks})
    with bulk(conn) if everything or _worth_a_recount(conn, len(numbers)) else nullcontext():
        if everything:
            conn.execute(ledger_causes.delete())
            conn.execute(ledger.delete())
            index_cases(conn, [], rebuild=True)
        for chunk in _chunks(numbers, _CHUNK):
            stored = uow.cases.load(numbers=list(chunk))
            rows = [ledger_row(s.case, policy, now=now) for s in stored]
            causes = [c for s in stored for c in _cause_rows(s.case)]
            conn.execute(ledger_causes.delete().where(ledger_causes.c.number.in_(list(chunk))))
            conn.execute(ledger.delete().where(ledger.c.number.in_(list(chunk))))
            if rows:
                conn.execute(ledger.insert(), rows)
            if causes:
                conn.execute(ledger_causes.insert(), causes)
            index_cases(conn, [s.case for s in stored])
    # only the marks read above: a save committed meanwhile keeps its mark for next time
    for ids in _chunks([row.id for row in marks], _CHUNK):
        conn.execute(ledger_dirty.delete().where(ledger_dirty.c.id.in_(list(ids))))
    _put_state(conn, "fingerprint", fingerprint)
    uow.commit()
    return len(numbers)


# On PostgreSQL the triggers add about 0.5 ms per written row and a full recount costs
# about 0.04 ms per ledger row (bench_analytics.py, 20,000 rows): past a tenth of the
# ledger, one recount is cheaper.
_RECOUNT_SHARE = 10
_RECOUNT_MIN = 2000


def _worth_a_recount(conn: sa.Connection, changed: int) -> bool:
    if changed < _RECOUNT_MIN:
        return False
    total = conn.execute(sa.select(sa.func.count()).select_from(ledger)).scalar_one()
    return changed * _RECOUNT_SHARE >= total


# ---------------------------------------------------------------- the ledger as a DataFrame

# the register's columns (rule AN-1: 受理时间、处理部门、处理进度、处理结果), in order
LEDGER_COLUMNS: tuple[str, ...] = (
    "number",
    "received_at",
    "customer",
    "product",
    "title",
    "category",
    "severity",
    "department",
    "owner",
    "stage",
    "status",
    "result",
    "closure_kind",
    "closed_at",
    "satisfaction",
    "recurrence_of",
)


def ledger_query(filters: Filters | None = None) -> sa.Select[Any]:
    columns = [cases.c.title if name == "title" else ledger.c[name] for name in LEDGER_COLUMNS]
    query = sa.select(*columns).join(cases, cases.c.number == ledger.c.number)
    return query.where(*(filters or Filters()).where()).order_by(ledger.c.number)


def ledger_frame(uow: Any, filters: Filters | None = None, *, tz: str = "UTC") -> Any:
    """The ledger as a pandas DataFrame with the register's columns (times in ``tz``)."""
    import pandas as pd

    conn: sa.Connection = uow.connection
    frame = pd.read_sql(ledger_query(filters), conn)
    for column in ("received_at", "closed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(tz)
    return frame
