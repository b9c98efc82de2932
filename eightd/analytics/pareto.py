"""Pareto and monthly trend of complaints by a dimension of the ledger, in SQL.

Dimensions are ledger columns (complaint category, grade, customer, product, site, handling
department, defect kind, channel, where found, stage, status, closure kind, month) and
``bone``: the 5M1E category of the verified causes (a complaint counts once per bone).
For the whole ledger or whole months of it the counts come from the rollup the triggers
keep (:mod:`eightd.analytics.rollup`); other filters count the ledger rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eightd.analytics.ledger import Filters
from eightd.analytics.rollup import COUNTED_DIMENSIONS, Months, in_months
from eightd.domain import (
    BoneCategory,
    CallbackOutcome,
    Channel,
    ClosureKind,
    ComplaintCategory,
    DefectKind,
    FoundAt,
    Severity,
    Stage,
)
from eightd.domain.enums import CaseStatus
from eightd.errors import ValidationError
from eightd.i18n import t
from eightd.policy import Policy
from eightd.store.tables import ledger, ledger_causes, ledger_counts

__all__ = ["DIMENSIONS", "ParetoRow", "TrendRow", "dimension_label", "pareto", "trend"]

# dimension -> the enum whose labels name its values (None: the values are names already)
DIMENSIONS: dict[str, type[Any] | None] = {
    "category": ComplaintCategory,
    "bone": BoneCategory,
    "product": None,
    "customer": None,
    "severity": Severity,
    "defect_kind": DefectKind,
    "site": None,
    "department": None,
    "owner": None,
    "channel": Channel,
    "found_at": FoundAt,
    "stage": Stage,
    "status": CaseStatus,
    "closure_kind": ClosureKind,
    "satisfaction": CallbackOutcome,
    "month": None,
}


@dataclass(frozen=True)
class ParetoRow:
    value: str  # the stored value ("" when not recorded)
    label: str  # in the reader's language
    count: int
    percent: float
    cumulative_percent: float


@dataclass(frozen=True)
class TrendRow:
    month: str
    value: str
    label: str
    count: int


def dimension_label(dimension: str, value: str, lang: str) -> str:
    """How a stored value of a dimension reads, e.g. ``material`` -> 料 Material."""
    if not value:
        return t("analytics.not_recorded", lang)
    enum = DIMENSIONS.get(dimension)
    if enum is None:
        return value
    try:
        return t(f"enum.{enum.__name__}.{enum(value).value}", lang)
    except ValueError:
        return value


def _check(dimension: str) -> None:
    if dimension not in DIMENSIONS:
        raise ValidationError(
            "by", "error.reason.not_in_choices", value=dimension, choices=", ".join(DIMENSIONS)
        )


def _grouped(dimension: str, filters: Filters) -> tuple[sa.ColumnElement[Any], sa.Select[Any]]:
    """The value column and the FROM/WHERE of a count by ``dimension``."""
    where = filters.where()
    if dimension == "bone":
        column: sa.ColumnElement[Any] = ledger_causes.c.bone
        base = (
            sa.select()
            .select_from(ledger.join(ledger_causes, ledger_causes.c.number == ledger.c.number))
            .where(*where, ledger_causes.c.status == "verified")
        )
        return column, base
    column = sa.func.coalesce(ledger.c[dimension], "")
    return column, sa.select().select_from(ledger).where(*where)


def _months(filters: Filters | None, policy: Policy | None) -> Months | None:
    if policy is None:  # the months' boundaries are in the policy's time zone
        return (None, None) if filters is None or filters == Filters() else None
    return (filters or Filters()).months(policy)


def _counted(dimension: str, months: Months) -> tuple[sa.ColumnElement[Any], sa.Select[Any]]:
    """The value column and the FROM/WHERE of a count by ``dimension`` in the rollup."""
    k = ledger_counts.c
    counted = "status" if dimension == "month" else dimension  # every complaint has one
    column = k.month if dimension == "month" else k.value
    base = sa.select().where(k.dimension == counted, *in_months(k.month, months))
    return column, base


def pareto(
    conn: sa.Connection,
    dimension: str,
    *,
    lang: str,
    filters: Filters | None = None,
    top: int | None = None,
    policy: Policy | None = None,
) -> list[ParetoRow]:
    """Complaints by ``dimension``, largest first, with their share and cumulative share.
    With ``top``, the rest are summed into one last row ("other"). ``policy`` (its time
    zone) lets a period of whole months be answered from the rollup."""
    _check(dimension)
    months = _months(filters, policy)
    if months is not None and dimension in (*COUNTED_DIMENSIONS, "bone", "month"):
        column, base = _counted(dimension, months)
        count: sa.ColumnElement[Any] = sa.func.sum(ledger_counts.c.n)
        base = base.having(count > 0)
    else:
        column, base = _grouped(dimension, filters or Filters())
        count = (
            sa.func.count(sa.distinct(ledger.c.number)) if dimension == "bone" else sa.func.count()
        )
    query = (
        base.add_columns(column.label("value"), count.label("n"))
        .group_by(column)
        .order_by(sa.desc("n"), column)
    )
    counts = [(str(value), int(n)) for value, n in conn.execute(query)]
    if top is not None and len(counts) > top:
        rest = sum(n for _, n in counts[top:])
        counts = [*counts[:top], ("*", rest)]
    total = sum(n for _, n in counts)
    rows, running = [], 0
    for value, n in counts:
        running += n
        label = (
            t("analytics.other", lang) if value == "*" else dimension_label(dimension, value, lang)
        )
        rows.append(
            ParetoRow(
                value=value,
                label=label,
                count=n,
                percent=round(100.0 * n / total, 2) if total else 0.0,
                cumulative_percent=round(100.0 * running / total, 2) if total else 0.0,
            )
        )
    return rows


def trend(
    conn: sa.Connection,
    dimension: str | None = None,
    *,
    lang: str,
    filters: Filters | None = None,
    policy: Policy | None = None,
) -> list[TrendRow]:
    """Complaints per month (in the policy's time zone), split by ``dimension`` if given."""
    months = _months(filters, policy)
    if months is not None and dimension in (*COUNTED_DIMENSIONS, "bone", None):
        k = ledger_counts.c
        n = sa.func.sum(k.n)
        where = [k.dimension == (dimension or "status"), *in_months(k.month, months)]
        if dimension is None:
            totals = conn.execute(
                sa.select(k.month, n)
                .where(*where)
                .group_by(k.month)
                .having(n > 0)
                .order_by(k.month)
            )
            return [TrendRow(month, "", "", int(count)) for month, count in totals]
        rows = conn.execute(
            sa.select(k.month, k.value, n.label("n"))
            .where(*where)
            .group_by(k.month, k.value)
            .having(n > 0)
            .order_by(k.month, sa.desc("n"), k.value)
        )
        return [
            TrendRow(month, value, dimension_label(dimension, value, lang), int(count))
            for month, value, count in rows
        ]
    if dimension is None:
        query = (
            sa.select(ledger.c.month, sa.func.count().label("n"))
            .where(*(filters or Filters()).where())
            .group_by(ledger.c.month)
            .order_by(ledger.c.month)
        )
        return [TrendRow(month, "", "", int(n)) for month, n in conn.execute(query)]
    _check(dimension)
    column, base = _grouped(dimension, filters or Filters())
    count = sa.func.count(sa.distinct(ledger.c.number)) if dimension == "bone" else sa.func.count()
    query = (
        base.add_columns(ledger.c.month, column.label("value"), count.label("n"))
        .group_by(ledger.c.month, column)
        .order_by(ledger.c.month, sa.desc("n"), column)
    )
    return [
        TrendRow(month, str(value), dimension_label(dimension, str(value), lang), int(n))
        for month, value, n in conn.execute(query)
    ]
