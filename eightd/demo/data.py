"""The demo cases as data: export documents (``eightd.cases``, see
:mod:`eightd.domain.interchange`) in ``eightd/demo/cases/*.json`` whose dates are written
relative to the day the demo is loaded, resolved here into real dates.

**Dates.** A date or date-time field holds an *offset*, a string starting with ``@``::

    "@T-12w 09:30"   12 working days before the load day, at 09:30
    "@T+1w 17:00"    the next working day after the load day, at 17:00
    "@R+0d 15:00"    the day the complaint was received, at 15:00
    "@R+1d+2h"       a day and two hours after the complaint was received
    "@R-14d"         (a date) 14 calendar days before the day it was received
    "@T-3w+1d"       the day after the working day 3 working days ago (a Saturday, say)

The base is ``T`` (the load day) or ``R`` (the case's ``intake.received_at``, itself always
written from ``T``); then any number of steps ``+N`` / ``-N`` with a unit: ``w`` working
days (the policy's calendar: weekends, public holidays, make-up working days), ``d``
calendar days, ``mo`` calendar months (the day clamped to the month's end), ``h`` hours,
``min`` minutes, or ``<sat`` (``<mon`` … ``<sun``: back to the latest Saturday on or before
the day, for a story that needs its weekday); then optionally `` HH:MM``, which sets the
time of day after the day steps. A value with a time or an hour step is a date-time in
the policy's time zone, otherwise a date. ``T`` on a day off steps back to the last working day
before ``w`` steps count, so "received 12 working days ago" is never a holiday.

*Why two bases.* A case's place in time relative to the load day is counted in working days
from ``T``: what is open stays as old, as overdue or as nearly due, in working days, whatever
holidays lie between; a deadline counted in working days (first response, analysis) reads
the same on any load day. Within a closed case, and for the first hours of any case, the
steps are counted from ``R`` in calendar days and hours: the 24-hour containment and the
one-week closure are calendar limits, and a case closed on time stays on time across a
holiday (its team worked through it, as a team with a one-week limit does).

**Free text.** Inside any text, ``{{@R-8mo|year}}`` is replaced by that date written in a
format: ``date`` (2026-03-20), ``year`` (2026), ``yy`` (26), ``month`` (3), ``month2``
(03), ``day`` (20), ``day2`` (07), ``week`` (the ISO week, 12), ``yyww`` (a date code: ISO year and
week, 2612), ``month_en`` (March), ``mon_en`` (Mar):
"made in {{@R-7mo|month_en}} {{@R-7mo|year}}" moves with the case.

**Numbers and signatures.** A case's ``number`` is ``"@seq"`` and an approval's
``content_hash`` ``"@seal"``: the loader numbers the cases
``YYYYMM-NNNN`` by their month of receipt, in order of receipt (rule NU-1), labels their
samples with the number (rule IN-2), and signs their approvals over the finished content.

A malformed file raises :class:`~eightd.errors.ValidationError` naming the file, the case
and the field (``eyewear.json: cases[2].intake.received_at``).
"""

from __future__ import annotations

import calendar as _calendar
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from eightd.domain import ComplaintNumber
from eightd.domain.fields import decode
from eightd.domain.interchange import FORMAT, FORMAT_VERSION
from eightd.domain.model import Case
from eightd.errors import ValidationError
from eightd.policy.calendar import WorkingCalendar
from eightd.policy.model import Policy
from eightd.policy.signature import content_hash

__all__ = ["DATA_FILES", "DemoClock", "load_case_data", "load_cases", "resolve_case"]

DATA_FILES = ("eyewear.json", "automotive.json", "appliances.json", "packaging.json")
SEQ = "@seq"
SEAL = "@seal"  # an approval's content hash, filled in over the finished case

_STEP = r"(?:[+-]\d+(?:w|d|mo|h|min)|<(?:mon|tue|wed|thu|fri|sat|sun))"
_OFFSET = re.compile(rf"@(?P<base>[TR])(?P<steps>(?:{_STEP})*)(?: (?P<clock>\d{{2}}:\d{{2}}))?")
_STEPS = re.compile(r"([+-]\d+|<)(mon|min|mo|tue|wed|thu|fri|sat|sun|w|d|h)")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TEXT = re.compile(r"\{\{(?P<offset>@[^|{}]*)\|(?P<format>[a-z_0-9]+)\}\}")
_MONTHS_EN = tuple(_calendar.month_name)
_MONS_EN = tuple(_calendar.month_abbr)
_FORMATS = {
    "date": lambda d: d.isoformat(),
    "year": lambda d: str(d.year),
    "yy": lambda d: f"{d.year % 100:02d}",
    "month": lambda d: str(d.month),
    "month2": lambda d: f"{d.month:02d}",
    "day": lambda d: str(d.day),
    "day2": lambda d: f"{d.day:02d}",
    "week": lambda d: f"{d.isocalendar()[1]:02d}",
    "yyww": lambda d: f"{d.isocalendar()[0] % 100:02d}{d.isocalendar()[1]:02d}",
    "month_en": lambda d: _MONTHS_EN[d.month],
    "mon_en": lambda d: _MONS_EN[d.month],
}


class _Bad(Exception):
    """An offset or placeholder that cannot be resolved: the reason code and params."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class DemoClock:
    """The load day and the calendar and time zone offsets are resolved in."""

    today: date
    policy: Policy

    @property
    def calendar(self) -> WorkingCalendar:
        cal = _CALENDARS.get(id(self.policy))
        if cal is None or cal[0] is not self.policy:
            cal = _CALENDARS[id(self.policy)] = (self.policy, WorkingCalendar(self.policy.calendar))
        return cal[1]

    def resolve(self, text: str, received: datetime | None) -> date | datetime:
        """The date (or date-time, when it names a time) an offset string stands for."""
        match = _OFFSET.fullmatch(text)
        if match is None:
            raise _Bad("error.reason.demo_offset", value=text)
        if match["base"] == "R":
            if received is None:
                raise _Bad("error.reason.demo_offset_base", value=text)
            moment: datetime | date = received
        else:
            moment = self.today
        steps = _STEPS.findall(match["steps"])
        timed = bool(match["clock"])
        day = moment.date() if isinstance(moment, datetime) else moment
        hours = timedelta()
        for amount, unit in steps:
            if amount == "<":  # back to the latest such weekday, on or before the day
                day -= timedelta(days=(day.weekday() - _WEEKDAYS.index(unit)) % 7)
                continue
            n = int(amount)
            if unit == "w":
                day = self._working_days(day, n, from_load_day=match["base"] == "T")
            elif unit == "d":
                day += timedelta(days=n)
            elif unit == "mo":
                day = _add_months(day, n)
            else:
                hours += timedelta(hours=n) if unit == "h" else timedelta(minutes=n)
                timed = True
        if not timed:
            if match["base"] == "T" and not steps:
                day = self._working_days(day, 0, from_load_day=True)
            return day
        if match["clock"]:
            hh, mm = (int(x) for x in match["clock"].split(":"))
            if hh > 23 or mm > 59:
                raise _Bad("error.reason.demo_offset", value=text)
            clock_time = time(hh, mm)
        elif isinstance(moment, datetime):
            clock_time = moment.astimezone(self.policy.tz).time()
        else:
            clock_time = time(9)
        local = datetime.combine(day, clock_time, self.policy.tz) + hours
        return local.astimezone(self.policy.tz)

    def _working_days(self, day: date, n: int, *, from_load_day: bool) -> date:
        return _shift(self.calendar, day, n, from_load_day)


@lru_cache(maxsize=1 << 16)  # the large generator resolves the same few offsets many times
def _shift(cal: WorkingCalendar, day: date, n: int, from_load_day: bool) -> date:
    if from_load_day:  # a load day off counts from the last working day before it
        while not cal.is_working_day(day) and n <= 0:
            day -= timedelta(days=1)
    if n >= 0:
        return cal.add_working_days(day, n)
    for _ in range(-n):
        day -= timedelta(days=1)
        while not cal.is_working_day(day):
            day -= timedelta(days=1)
    return day


_CALENDARS: dict[int, tuple[Policy, WorkingCalendar]] = {}  # one calendar per policy object


def _add_months(day: date, n: int) -> date:
    month = day.year * 12 + day.month - 1 + n
    year, month0 = divmod(month, 12)
    last = _calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


# ---------------------------------------------------------------- files


@lru_cache(maxsize=len(DATA_FILES))
def _read(name: str) -> tuple[dict[str, Any], ...]:
    text = resources.files("eightd.demo").joinpath("cases", name).read_text("utf-8")
    return tuple(_document_cases(name, json.loads(text)))


def _document_cases(name: str, document: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(document, dict):
        raise ValidationError(f"{name}: format", "error.reason.bad_format", expected=FORMAT)
    if document.get("format") != FORMAT:
        raise ValidationError(f"{name}: format", "error.reason.bad_format", expected=FORMAT)
    if document.get("format_version") != FORMAT_VERSION:
        raise ValidationError(
            f"{name}: format_version", "error.reason.bad_format_version", expected=FORMAT_VERSION
        )
    cases = document.get("cases")
    if not isinstance(cases, list):
        raise ValidationError(f"{name}: cases", "error.reason.not_list")
    for i, data in enumerate(cases):
        if not isinstance(data, dict):
            raise ValidationError(f"{name}: cases[{i}]", "error.reason.not_object")
        yield data


def load_case_data(name: str, text: str) -> tuple[dict[str, Any], ...]:
    """The raw cases of a demo data file's text (checked as an export document)."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"{name}", "error.reason.not_json", detail=str(exc)) from None
    return tuple(_document_cases(name, document))


def resolve_case(
    data: dict[str, Any], clock: DemoClock, *, where: str = "", check: bool = True
) -> Case:
    """One case of a data file with its offsets resolved against ``clock`` (unnumbered:
    ``number`` stays a placeholder until :func:`number_cases`). ``where`` prefixes the field
    named by an error (``eyewear.json: cases[2]``). ``check=False`` leaves the field
    constraints to the caller's :func:`~eightd.domain.validate_case` (the large generator,
    which rebuilds data already checked)."""
    prefix = f"{where}." if where else ""
    intake = data.get("intake")
    raw_received = intake.get("received_at") if isinstance(intake, dict) else None
    if not isinstance(raw_received, str) or not raw_received.startswith("@T"):
        raise ValidationError(f"{prefix}intake.received_at", "error.reason.demo_received")
    try:
        received = clock.resolve(raw_received, None)
    except _Bad as bad:
        raise ValidationError(f"{prefix}intake.received_at", bad.reason, **bad.params) from None
    if not isinstance(received, datetime):
        raise ValidationError(f"{prefix}intake.received_at", "error.reason.demo_received")
    resolved = _walk(data, clock, received, prefix.rstrip("."))
    if resolved.get("number") != SEQ:
        raise ValidationError(f"{prefix}number", "error.reason.demo_number", expected=SEQ)
    # a valid stand-in until the set is numbered
    resolved["number"] = str(ComplaintNumber(received.year, received.month, 1))
    for i, item in enumerate(resolved.get("approvals") or ()):
        if not isinstance(item, dict) or item.get("content_hash") != SEAL:
            raise ValidationError(
                f"{prefix}approvals[{i}].content_hash", "error.reason.demo_seal", expected=SEAL
            )
        item["content_hash"] = "pending"
    try:
        return decode(Case, resolved, check=check)
    except ValidationError as exc:
        extra = {k: v for k, v in exc.params.items() if k not in ("field", "reason")}
        raise ValidationError(f"{prefix}{exc.field}", exc.reason_code, **extra) from None


def _walk(value: Any, clock: DemoClock, received: datetime, path: str) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, clock, received, _join(path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, clock, received, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    try:
        if value.startswith("@") and value not in (SEQ, SEAL):
            return clock.resolve(value, received).isoformat()
        if "{{" in value:
            return _TEXT.sub(lambda m: _format(m, clock, received), value)
    except _Bad as bad:
        raise ValidationError(path, bad.reason, **bad.params) from None
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _format(match: re.Match[str], clock: DemoClock, received: datetime) -> str:
    moment = clock.resolve(match["offset"], received)
    day = moment.date() if isinstance(moment, datetime) else moment
    formatter = _FORMATS.get(match["format"])
    if formatter is None:
        raise _Bad("error.reason.demo_format", value=match["format"], known=", ".join(_FORMATS))
    return formatter(day)


def number_cases(cases: list[Case]) -> list[Case]:
    """Number the cases by month of receipt in order of receipt (rule NU-1), label their
    samples (rule IN-2) and sign their approvals over the finished content; ordered by
    number."""
    counters: dict[str, int] = {}
    for case in sorted(cases, key=lambda c: (c.intake.received_at, c.title)):
        received = case.intake.received_at
        assert received is not None
        period = ComplaintNumber.period_of(received)
        serial = counters.get(period, 1)
        counters[period] = serial + 1
        case.number = str(ComplaintNumber(received.year, received.month, serial))
        if case.intake.has_sample:
            case.intake.sample_label = case.number
    for case in cases:
        for item in case.approvals:
            item.content_hash = content_hash(case)
    return sorted(cases, key=lambda c: c.number)


def load_cases(today: date, policy: Policy, *, files: tuple[str, ...] = DATA_FILES) -> list[Case]:
    """Every case of the demo data files, dated around ``today``, numbered and signed."""
    clock = DemoClock(today, policy)
    cases: list[Case] = []
    for name in files:
        for i, data in enumerate(_read(name)):
            cases.append(resolve_case(data, clock, where=f"{name}: cases[{i}]"))
    return number_cases(cases)


def template_cases() -> list[tuple[str, int, dict[str, Any]]]:
    """(file, index, raw data) of every demo case, for generators that rebuild them."""
    return [(name, i, data) for name in DATA_FILES for i, data in enumerate(_read(name))]
