"""What the pages read from the application, shaped for display: the ledger's page of
rows. The rules (clocks, grades, escalation) are the policy's, reached through the
application; this module only selects, orders and pages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from math import ceil
from typing import Any

from eightd.application import Application
from eightd.domain import Case, Intake, Priority, Severity
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


def ledger_page(app: Application, query: LedgerQuery) -> LedgerPage:
    """One page of ledger rows matching ``query``: one SQL query on the ledger columns
    (:meth:`Application.ledger`), whatever the size of the store; no case is decoded."""
    filters: dict[str, Any] = {
        "status": query.status or None,
        "stage": query.stage or None,
        "severity": query.severity or None,
        "customer": query.customer or None,
        "product": query.product or None,
        "received_from": query.received_from,
        "received_to": query.received_to,
        "attention": query.attention_only,
    }
    found = app.ledger(
        {k: v for k, v in filters.items() if v not in (None, False)},
        search=query.search,
        sort=query.sort,
        page=max(1, query.page),
        page_size=query.page_size,
        descending=query.descending,
    )
    pages = max(1, ceil(found.total / query.page_size))
    if found.page > pages:  # past the end (the filter narrowed): show the last page
        return ledger_page(app, replace(query, page=pages))
    return LedgerPage(tuple(_row(r) for r in found.rows), found.total, found.page, pages)


def _row(row: Any) -> LedgerRow:
    running = row.due_state in ("overdue", "due_soon", "on_time")
    return LedgerRow(
        number=row.number,
        title=row.title,
        status=row.status,
        stage=row.stage,
        severity=row.severity,
        customer=row.customer_name,
        product=row.product_number,
        received_at=row.received_at,
        escalation=row.escalation_level,
        due=row.stage_due_at if running else None,
        due_state="" if row.due_state == "closed" else row.due_state,
        owner=row.owner,
    )
