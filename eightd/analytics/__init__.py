"""Analytics: the ledger, KPIs, Pareto and trends in SQL (DOMAIN §6).

Read models over the case store: ``refresh_ledger`` derives one narrow row per case (and
its causes) from the documents and the policy's clocks; ``kpis``, ``pareto`` and ``trend``
aggregate those rows in the database (SQLite or PostgreSQL); ``ledger_frame`` hands the
register to pandas.
"""

from eightd.analytics.kpi import Kpis, Rate, kpis, percentile
from eightd.analytics.ledger import (
    LEDGER_COLUMNS,
    Filters,
    ledger_frame,
    ledger_row,
    policy_fingerprint,
    refresh_ledger,
)
from eightd.analytics.pareto import (
    DIMENSIONS,
    ParetoRow,
    TrendRow,
    dimension_label,
    pareto,
    trend,
)

__all__ = [
    "DIMENSIONS",
    "LEDGER_COLUMNS",
    "Filters",
    "Kpis",
    "ParetoRow",
    "Rate",
    "TrendRow",
    "dimension_label",
    "kpis",
    "ledger_frame",
    "ledger_row",
    "pareto",
    "percentile",
    "policy_fingerprint",
    "refresh_ledger",
    "trend",
]
