"""Rule CA-2: a year the holiday library does not cover gets its statutory holidays computed
(fixed dates and the lunar ones), and every deadline counted on it is provisional until the
official year is loaded. Tested on the 2027 New Year and Spring Festival (Sat 6 Feb 2027)."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest
from lunardate import LunarDate

from eightd.domain import Stage
from eightd.policy import WorkingCalendar, parse_policy, schedule
from eightd.policy.loader import DEFAULT_POLICY_PATH, _merge, _read_toml
from eightd.policy.statutory import qingming, statutory_holidays
from tests.unit._policy_support import POLICY, at, end_of, inbound, make_case

LIBRARY = WorkingCalendar().library_years


def policy_with(**overrides: object):  # type: ignore[no-untyped-def]
    return parse_policy(_merge(_read_toml(DEFAULT_POLICY_PATH), overrides), source="test.toml")


def test_ca2_2027_statutory_holidays_include_new_year_and_spring_festival() -> None:
    days = statutory_holidays(2027)
    assert date(2027, 1, 1) in days
    # lunar New Year's Eve (Fri 5 Feb) and the first three days of the lunar year
    assert {date(2027, 2, d) for d in (5, 6, 7, 8)} <= days
    assert len(days) == 13


@pytest.mark.parametrize("year", [y for y in LIBRARY if y >= 2008])
def test_ca2_computed_lunar_and_solar_term_holidays_match_the_library(year: int) -> None:
    spring = LunarDate(year, 1, 1).to_solar_date()
    computed = {qingming(year), spring, LunarDate(year, 5, 5).to_solar_date(),
                LunarDate(year, 8, 15).to_solar_date()}  # fmt: skip
    for day in computed:
        assert not chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_ca2_every_computed_day_is_a_day_off_under_the_2025_rules(year: int) -> None:
    for day in statutory_holidays(year):
        assert not chinese_calendar.is_workday(day), day


def test_ca2_response_due_skips_2027_new_year_and_is_provisional() -> None:
    case = make_case("202612-0001", received=at(2026, 12, 30, 10))  # Wednesday
    result = schedule(case, POLICY, now=at(2026, 12, 30, 11))
    d0 = result.clock(Stage.D0)
    # Thu 31 Dec, (Fri 1 Jan 2027 New Year's Day), Mon 4 Jan
    assert d0.due == end_of(date(2027, 1, 4))
    assert d0.provisional
    assert [(w.code, dict(w.params)) for w in result.warnings] == [
        ("calendar.provisional_year", {"year": 2027})
    ]
    # an elapsed-time clock does not depend on the calendar
    assert not result.clock(Stage.D3).provisional


def test_ca2_analysis_due_skips_the_2027_spring_festival() -> None:
    case = make_case("202701-0001", received=at(2027, 1, 28, 10))
    inbound(case, at(2027, 2, 1, 10))  # Monday: the customer's latest feedback
    d4 = schedule(case, POLICY, now=at(2027, 2, 1, 11)).clock(Stage.D4)
    # 2, 3, 4 Feb; Fri 5 – Mon 8 Feb off (Eve, 1st–3rd day); 9, 10, 11, 12 Feb
    assert d4.due == end_of(date(2027, 2, 12))
    assert d4.provisional


def test_ca2_loaded_official_year_makes_the_deadline_firm() -> None:
    official = policy_with(
        calendar={
            "covered_years": [2027],
            "holidays": [date(2027, 1, 1), *[date(2027, 2, d) for d in range(5, 13)]],
            "workdays": [date(2027, 2, 13)],
        }
    )
    case = make_case("202701-0002", received=at(2027, 2, 3, 10))
    d0 = schedule(case, official, now=at(2027, 2, 3, 11)).clock(Stage.D0)
    # Thu 4 Feb, then the official break 5–12 Feb; Sat 13 Feb is a make-up working day
    assert d0.due == end_of(date(2027, 2, 13))
    assert not d0.provisional


def test_ca2_a_year_the_library_covers_is_never_provisional() -> None:
    case = make_case("202609-0001", received=at(2026, 9, 30, 10))
    result = schedule(case, POLICY, now=at(2026, 9, 30, 11))
    assert not result.provisional
    assert result.warnings == ()
