"""Analytics: the ledger, KPIs, Pareto and trends in SQL (rules AN-1 … AN-5, docs/RULES.md).

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
from eightd.analytics.recurrence import Recurrence, find_recurrence, flag_recurrence, recurrences
from eightd.analytics.search import (
    ReadAcross,
    Similar,
    Suggestion,
    read_across,
    search_terms,
    similar_cases,
    suggestions,
)

__all__ = [
    "DIMENSIONS",
    "LEDGER_COLUMNS",
    "Filters",
    "Kpis",
    "ParetoRow",
    "Rate",
    "ReadAcross",
    "Recurrence",
    "Similar",
    "Suggestion",
    "TrendRow",
    "dimension_label",
    "find_recurrence",
    "flag_recurrence",
    "kpis",
    "ledger_frame",
    "ledger_row",
    "pareto",
    "percentile",
    "policy_fingerprint",
    "read_across",
    "recurrences",
    "refresh_ledger",
    "search_terms",
    "similar_cases",
    "suggestions",
    "trend",
]
