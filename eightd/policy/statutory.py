"""The statutory public holidays of mainland China for a year no calendar declares yet
(rule CA-2): the fixed dates and the lunar ones, computed, never guessed from a pattern.

The holiday rules (全国年节及纪念日放假办法, as revised with effect from 2025) give 13 days:
New Year's Day (1 Jan), the Spring Festival (lunar New Year's Eve and the first three days
of the first lunar month), Qingming (the solar term, 4 or 5 April), Labour Day (1–2 May),
the Dragon Boat Festival (5th day of the 5th lunar month), the Mid-Autumn Festival (15th
day of the 8th lunar month) and National Day (1–3 Oct). The State Council's yearly notice
adds bridging days and make-up working days (调休), which no rule predicts: a deadline
counted on these days is *provisional* until the official year is loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from lunardate import LunarDate

__all__ = ["qingming", "statutory_holidays"]


def qingming(year: int) -> date:
    """The Qingming solar term, by the standard formula for 2000–2099:
    day = floor(Y × 0.2422 + 4.81) − floor(Y / 4), Y the last two digits of the year."""
    if not 2000 <= year <= 2099:
        raise ValueError(f"Qingming is computed for 2000-2099 only, not {year}")
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _lunar(year: int, month: int, day: int) -> date:
    solar = LunarDate(year, month, day).to_solar_date()
    return date(solar.year, solar.month, solar.day)


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory days off of ``year`` (without the yearly bridging days)."""
    spring = _lunar(year, 1, 1)
    days = {
        date(year, 1, 1),
        spring - timedelta(days=1),  # lunar New Year's Eve (除夕)
        spring,
        spring + timedelta(days=1),
        spring + timedelta(days=2),
        qingming(year),
        date(year, 5, 1),
        date(year, 5, 2),
        _lunar(year, 5, 5),
        _lunar(year, 8, 15),
        date(year, 10, 1),
        date(year, 10, 2),
        date(year, 10, 3),
    }
    return frozenset(days)  # the Spring Festival falls between 21 Jan and 20 Feb
