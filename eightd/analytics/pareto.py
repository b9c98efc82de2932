"""Pareto and monthly trend of complaints by a dimension of the ledger, in SQL.

Dimensions are ledger columns (complaint category, grade, customer, product, site, handling
department, defect kind, channel, where found, stage, status, closure kind, month) and
``bone``: the 5M1E category of the verified causes (a complaint counts once per bone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eightd.analytics.ledger import Filters
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
from eightd.store.tables import ledger, ledger_causes

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


def pareto(
    conn: sa.Connection,
    dimension: str,
    *,
    lang: str,
    filters: Filters | None = None,
    top: int | None = None,
) -> list[ParetoRow]:
    """Complaints by ``dimension``, largest first, with their share and cumulative share.
    With ``top``, the rest are summed into one last row ("other")."""
    _check(dimension)
    column, base = _grouped(dimension, filters or Filters())
    count = sa.func.count(sa.distinct(ledger.c.number)) if dimension == "bone" else sa.func.count()
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
) -> list[TrendRow]:
    """Complaints per month (in the policy's time zone), split by ``dimension`` if given."""
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
