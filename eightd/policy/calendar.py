"""The working-day calendar: weekends, public holidays and make-up working days (调休).

A day is decided in this order: the company's own lists (``workdays`` win, then
``holidays``), then the maintained ``chinesecalendar`` library for the years it covers,
then the weekend rule for years the company declared complete (``covered_years``).
Any other day is *uncovered* (rule CA-2): with ``beyond_coverage = "statutory"`` (the
default) its year's statutory holidays are computed (:mod:`eightd.policy.statutory`) and
the weekend rule decides the rest; with ``"assume-weekends"`` only the weekend rule
decides; either way :meth:`WorkingCalendar.uncovered_years` reports the year so every
deadline counted on it is marked provisional. With ``"refuse"`` a :class:`CalendarError`
is raised instead.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from eightd.errors import CalendarError
from eightd.policy.model import CalendarPolicy
from eightd.policy.statutory import statutory_holidays

__all__ = ["WorkingCalendar"]


def _library_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


_LIBRARY_YEARS = _library_years()


class WorkingCalendar:
    """Working days for one :class:`CalendarPolicy`. Immutable once built."""

    def __init__(self, policy: CalendarPolicy | None = None) -> None:
        self.policy = policy or CalendarPolicy()
        self._holidays = frozenset(self.policy.holidays)
        self._workdays = frozenset(self.policy.workdays)
        self._weekend = frozenset(self.policy.weekend)
        self._declared_years = frozenset(self.policy.covered_years)

    @property
    def library_years(self) -> range:
        """Years the library decides (empty for the weekends-only calendar)."""
        return _LIBRARY_YEARS if self.policy.library == "chinese" else range(0)

    def is_covered(self, day: date) -> bool:
        """True when the day is decided by the library or a company declaration."""
        if self.policy.library == "weekends-only":
            return True
        return (
            day in self._holidays
            or day in self._workdays
            or day.year in _LIBRARY_YEARS
            or day.year in self._declared_years
        )

    def is_working_day(self, day: date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        if self.policy.library == "chinese" and day.year in _LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(day))
        if not self.is_covered(day):
            mode = self.policy.beyond_coverage
            if mode == "refuse":
                first, last = _LIBRARY_YEARS[0], _LIBRARY_YEARS[-1]
                raise CalendarError(
                    "calendar.uncovered_refused", day=day.isoformat(), first=first, last=last
                )
            statutory = mode == "statutory" and 2000 <= day.year <= 2099
            if statutory and day in statutory_holidays(day.year):
                return False
        return day.isoweekday() not in self._weekend

    def add_working_days(
        self, start: date, count: int, *, skip: frozenset[date] = frozenset()
    ) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself never counts).

        Days in ``skip`` (a paused clock) are not counted. ``count == 0`` gives ``start``.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day, found = start, 0
        while found < count:
            day += timedelta(days=1)
            if day not in skip and self.is_working_day(day):
                found += 1
        return day

    def working_days_between(
        self, start: date, end: date, *, skip: frozenset[date] = frozenset()
    ) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start, skip=skip)
        days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
        return sum(1 for d in days if d not in skip and self.is_working_day(d))

    def uncovered_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years between the two dates (inclusive) decided only by the weekend rule."""
        if self.policy.library == "weekends-only":
            return ()
        low, high = min(start, end), max(start, end)
        return tuple(
            y
            for y in range(low.year, high.year + 1)
            if y not in _LIBRARY_YEARS and y not in self._declared_years
        )
