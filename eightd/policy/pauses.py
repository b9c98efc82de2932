"""The days a case's deadline clocks stand still (rule DL-5)."""

from __future__ import annotations

from datetime import date, timedelta

from eightd.domain.model import Case
from eightd.policy.model import Policy

__all__ = ["paused_days"]


def paused_days(case: Case, policy: Policy, *, today: date) -> frozenset[date]:
    """Days the clock stands still; an open pause runs up to ``today``, and no pause
    stops the clock beyond ``today`` (rule DL-5: a pause cannot end in the future)."""
    days: set[date] = set()
    for pause in case.pauses:
        if pause.start is None or pause.reason not in policy.deadlines.pause_reasons:
            continue
        end = min(pause.end or today, today)
        days.update(pause.start + timedelta(days=i) for i in range((end - pause.start).days + 1))
    return frozenset(days)
