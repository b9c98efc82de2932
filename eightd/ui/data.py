"""What the pages read from the application, shaped for display: the ledger's page of
rows. The rules (clocks, grades, escalation) are the policy's, reached through the
application; this module only selects, orders and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from math import ceil
from typing import Any

from eightd.application import Application
from eightd.domain import Case, Intake, Priority, Severity, TeamRole
from eightd.policy import Notice, suggest_priority, suggest_severity
from eightd.policy.intake import DEFECT_RATE_OR_COUNTS

__all__ = [
    "DEFECT_RATE_OR_COUNTS",
    "LedgerPage",
    "LedgerQuery",
    "LedgerRow",
    "SuggestedGrade",
    "ledger_page",
    "suggest_grade",
]


@dataclass(frozen=True)
class SuggestedGrade:
    severity: Severity | None
    priority: Priority
    reasons: tuple[Notice, ...]


def suggest_grade(app: Application, intake: Intake) -> SuggestedGrade:
    """The grade the policy suggests for an intake being entered (nothing is saved)."""
    case = Case(intake=intake)
    severity, reasons = suggest_severity(case, app.policy)
    priority, _ = suggest_priority(case, app.policy, severity)
    return SuggestedGrade(severity, priority, reasons)


@dataclass(frozen=True)
class LedgerQuery:
    status: str = "open"
    stage: str = ""
    severity: str = ""
    customer: str = ""
    product: str = ""
    received_from: datetime | None = None
    received_to: datetime | None = None
    attention_only: bool = False
    search: str = ""
    sort: str = "number"
    descending: bool = False
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class LedgerRow:
    number: str
    title: str
    status: str
    stage: str
    severity: str | None
    customer: str
    product: str
    received_at: datetime
    escalation: int | None = None
    due: datetime | None = None
    due_state: str = ""
    owner: str = ""


@dataclass(frozen=True)
class LedgerPage:
    rows: tuple[LedgerRow, ...]
    total: int
    page: int
    pages: int


_FAR = datetime.max.replace(tzinfo=UTC)
_RUNNING = ("due", "due_soon", "overdue")


def ledger_page(app: Application, query: LedgerQuery) -> LedgerPage:
    """One page of ledger rows matching ``query``."""
    filters = {
        "status": query.status or None,
        "stage": query.stage or None,
        "severity": query.severity or None,
        "customer": query.customer or None,
        "product": query.product or None,
        "received_from": query.received_from,
        "received_to": query.received_to,
    }
    summaries = app.list_cases(**{k: v for k, v in filters.items() if v is not None})
    if query.search:
        needle = query.search.lower()
        summaries = [
            s
            for s in summaries
            if needle
            in " ".join(
                (s.number, s.title, s.customer_name, s.customer_code, s.product_number, s.site)
            ).lower()
        ]
    due_of: dict[str, tuple[datetime | None, str]] = {}
    if query.attention_only or query.sort == "due":
        for item in app.overdue():
            first = min(item.clocks, key=lambda c: c.due or _FAR, default=None)
            if first is not None:
                due_of[item.number] = (first.due, first.state.value)
        if query.attention_only:
            summaries = [s for s in summaries if s.number in due_of]
    keys = {
        "number": lambda s: s.number,
        "received": lambda s: s.received_at,
        "customer": lambda s: (s.customer_name.lower(), s.number),
        "stage": lambda s: (s.stage, s.number),
        "severity": lambda s: (
            {"serious": 0, "general": 1, "incidental": 2}.get(s.severity or "", 3),
            s.number,
        ),
        "due": lambda s: (due_of.get(s.number, (None, ""))[0] or _FAR, s.number),
    }
    ordered = sorted(
        summaries,
        key=keys.get(query.sort, keys["number"]),
        reverse=query.descending,
    )
    total = len(ordered)
    pages = max(1, ceil(total / query.page_size))
    page = min(max(1, query.page), pages)
    chosen = ordered[(page - 1) * query.page_size : page * query.page_size]
    return LedgerPage(tuple(_row(app, s) for s in chosen), total, page, pages)


def _row(app: Application, summary: Any) -> LedgerRow:
    stored, assessment = app.assess(summary.number)
    case = stored.case
    due, state = None, ""
    if not case.is_closed:
        running = [c for c in assessment.clocks if c.due is not None and c.state.value in _RUNNING]
        if running:
            first = min(running, key=lambda c: c.due or _FAR)
            due, state = first.due, first.state.value
        else:
            current = [c for c in assessment.clocks if c.key == case.stage.value]
            state = current[0].state.value if current else ""
    leader = next((m.name for m in case.team if m.role is TeamRole.LEADER), "")
    return LedgerRow(
        number=summary.number,
        title=summary.title,
        status=summary.status,
        stage=summary.stage,
        severity=summary.severity,
        customer=summary.customer_name,
        product=summary.product_number,
        received_at=summary.received_at,
        escalation=assessment.escalation.level,
        due=due,
        due_state=state,
        owner=leader or case.created_by,
    )
