"""The working-day calendar: weekends, public holidays, 调休 make-up days, company files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eightd.errors import CalendarError
from eightd.policy import WorkingCalendar, load_policy
from eightd.policy.model import CalendarPolicy

CHINA = WorkingCalendar()


def test_national_day_holiday_is_not_a_working_day() -> None:
    assert not CHINA.is_working_day(date(2025, 10, 1))  # Wednesday, 国庆
    assert not CHINA.is_working_day(date(2025, 10, 8))  # Wednesday, last day of the break


def test_makeup_saturday_counts_as_working_day() -> None:
    assert CHINA.is_working_day(date(2025, 10, 11))  # Saturday 调休上班


def test_makeup_sunday_counts_as_working_day() -> None:
    assert CHINA.is_working_day(date(2025, 9, 28))  # Sunday 调休上班


def test_ordinary_weekend_is_not_a_working_day() -> None:
    assert not CHINA.is_working_day(date(2025, 10, 18))  # Saturday
    assert not CHINA.is_working_day(date(2025, 10, 19))  # Sunday


def test_add_working_days_jumps_over_the_national_day_break() -> None:
    # Tue 30 Sep 2025 + 1 working day: 1–8 Oct off -> Thu 9 Oct
    assert CHINA.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    # + 3: 9 Oct, 10 Oct, Sat 11 Oct (make-up day)
    assert CHINA.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_add_zero_working_days_is_the_same_day() -> None:
    assert CHINA.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_add_working_days_skips_paused_days() -> None:
    skip = frozenset({date(2025, 10, 9)})
    assert CHINA.add_working_days(date(2025, 9, 30), 1, skip=skip) == date(2025, 10, 10)


def test_working_days_between_counts_make_up_days_and_skips_holidays() -> None:
    # after Fri 26 Sep up to Sun 12 Oct: 28, 29, 30 Sep, 9, 10, 11 Oct
    assert CHINA.working_days_between(date(2025, 9, 26), date(2025, 10, 12)) == 6
    assert CHINA.working_days_between(date(2025, 10, 12), date(2025, 9, 26)) == -6


def test_weekends_only_calendar_ignores_chinese_holidays() -> None:
    plain = WorkingCalendar(CalendarPolicy(library="weekends-only"))
    assert plain.is_working_day(date(2025, 10, 1))
    assert not plain.is_working_day(date(2025, 10, 11))


def test_company_days_override_the_library() -> None:
    company = WorkingCalendar(
        CalendarPolicy(holidays=(date(2025, 10, 10),), workdays=(date(2025, 10, 4),))
    )
    assert not company.is_working_day(date(2025, 10, 10))  # plant shutdown
    assert company.is_working_day(date(2025, 10, 4))  # a Saturday inside the holiday


def test_year_beyond_the_library_is_reported_as_uncovered() -> None:
    last = CHINA.library_years[-1]
    assert CHINA.uncovered_years(date(last, 12, 20), date(last + 1, 1, 10)) == (last + 1,)
    assert CHINA.is_working_day(date(last + 1, 1, 4)) is (date(last + 1, 1, 4).isoweekday() < 6)


def test_refusing_calendar_raises_for_a_year_nobody_declared() -> None:
    strict = WorkingCalendar(CalendarPolicy(beyond_coverage="refuse"))
    last = CHINA.library_years[-1]
    with pytest.raises(CalendarError) as err:
        strict.is_working_day(date(last + 1, 3, 2))
    assert str(last + 1) in str(err.value)


def test_company_calendar_file_declares_the_next_year(tmp_path: Path) -> None:
    year = CHINA.library_years[-1] + 1
    saturday = next(date(year, 2, d) for d in range(1, 8) if date(year, 2, d).isoweekday() == 6)
    (tmp_path / "cal.toml").write_text(
        f"covered_years = [{year}]\n"
        f"holidays = [{year}-01-01]\n"
        f"workdays = [{saturday.isoformat()}]\n",
        encoding="utf-8",
    )
    (tmp_path / "policy.toml").write_text(
        '[calendar]\nfile = "cal.toml"\nbeyond_coverage = "refuse"\n', encoding="utf-8"
    )
    calendar = WorkingCalendar(load_policy(tmp_path / "policy.toml").calendar)
    assert not calendar.is_working_day(date(year, 1, 1))
    assert calendar.is_working_day(saturday)
    assert calendar.uncovered_years(date(year, 1, 1), date(year, 12, 31)) == ()
