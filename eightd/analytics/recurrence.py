"""Recurrence (重复发生): a new complaint that repeats a closed case.

A complaint recurs when a case closed within the policy's window (``[analytics]
recurrence_window_days``) before it was received matches it on every key of
``recurrence_match`` (same product, a shared defect kind, same category, same customer).
It is flagged (``intake.recurrence``, ``problem.repeat_occurrence``), linked
(``problem.previous_8d``: the 8D review then asks what that D7 changed and why it did not
hold), graded as the policy says (serious by default, rule AN-4), and the earlier
case's D7 is reported as not effective: its prevention did not keep the problem away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eightd.domain import Case, Validity
from eightd.policy import Policy
from eightd.services import load_case, update_case
from eightd.store.tables import cases

__all__ = ["Recurrence", "find_recurrence", "flag_recurrence", "recurrences"]


@dataclass(frozen=True)
class Recurrence:
    """``number`` repeats ``earlier`` (closed at ``earlier_closed_at``): the earlier case's
    D7 was not effective."""

    number: str
    received_at: datetime
    earlier: str
    earlier_closed_at: datetime | None
    product: str


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def find_recurrence(conn: sa.Connection, case: Case, policy: Policy) -> str | None:
    """The most recently closed case that ``case`` repeats, if any."""
    intake = case.intake
    received = intake.received_at or case.created_at
    if received is None:
        return None
    rules = policy.analytics
    c = cases.c
    query = (
        sa.select(c.number, c.defect_kinds, c.closed_at)
        .where(
            c.status == "closed",
            c.number != case.number,
            c.closed_at.is_not(None),
            c.closed_at <= received.astimezone(UTC),
            c.closed_at
            >= (received - timedelta(days=rules.recurrence_window_days)).astimezone(UTC),
            sa.or_(c.validity.is_(None), c.validity == Validity.FOUNDED.value),
        )
        .order_by(c.closed_at.desc())
    )
    if "product_number" in rules.recurrence_match:
        query = query.where(c.product_number == intake.product_number)
    if "category" in rules.recurrence_match:
        query = query.where(c.category == intake.category.value)
    if "customer" in rules.recurrence_match:
        query = query.where(c.customer_name == intake.customer_name)
    kinds = {k.value for k in intake.defect_kinds}
    for row in conn.execute(query):
        if "defect_kind" in rules.recurrence_match:
            earlier_kinds = {k for k in (row.defect_kinds or "").split(",") if k}
            if not kinds & earlier_kinds:
                continue
        return str(row.number)
    return None


def flag_recurrence(
    uow: Any, number: str, policy: Policy, *, user: str, now: datetime
) -> str | None:
    """Flag ``number`` as a recurrence of the closed case it repeats, link it, and grade it
    as the policy says. Returns the earlier case's number, or None (nothing changed)."""
    stored = load_case(uow, number)
    linked = stored.case.problem.previous_8d
    if stored.case.is_closed or (stored.case.intake.recurrence and linked):
        return linked or None
    earlier = find_recurrence(uow.connection, stored.case, policy)
    if earlier is None:
        return None
    severity = policy.analytics.recurrence_severity

    def mark(case: Case) -> None:
        case.intake.recurrence = True
        case.problem.repeat_occurrence = True
        case.problem.previous_8d = earlier
        case.grading.severity = severity
        case.grading.suggested_severity = severity
        case.grading.override_reason = ""
        case.grading.graded_by = user
        case.grading.graded_at = now

    update_case(
        uow,
        number,
        mark,
        user=user,
        action="flag_recurrence",
        expected_version=stored.version,
        now=now,
    )
    return earlier


def recurrences(conn: sa.Connection, number: str | None = None) -> list[Recurrence]:
    """Recurrence links, newest first: of every case, or those touching ``number`` (as the
    repeating complaint or as the earlier case whose D7 was not effective)."""
    from eightd.store.tables import ledger

    later, earlier = ledger.alias("later"), cases.alias("earlier")
    query = (
        sa.select(
            later.c.number,
            later.c.received_at,
            later.c.recurrence_of,
            earlier.c.closed_at,
            later.c.product,
        )
        .select_from(later.outerjoin(earlier, earlier.c.number == later.c.recurrence_of))
        .where(later.c.recurrence_of.is_not(None))
        .order_by(later.c.received_at.desc())
    )
    if number:
        query = query.where(sa.or_(later.c.number == number, later.c.recurrence_of == number))
    return [
        Recurrence(
            number=row.number,
            received_at=_aware(row.received_at),  # type: ignore[arg-type]
            earlier=row.recurrence_of,
            earlier_closed_at=_aware(row.closed_at),
            product=row.product,
        )
        for row in conn.execute(query)
    ]
