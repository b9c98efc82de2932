"""``eightd calendar``: the working-day calendar of a year, and loading an official year
(rule CA-2: a year the holiday library does not cover is provisional until loaded)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from eightd.cli.app import App
from eightd.i18n import t
from eightd.policy import WorkingCalendar

__all__ = ["register"]


def register(sub: Any, lang: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "calendar", help=t("calendar.cli.help", lang), description=t("calendar.cli.help", lang)
    )
    commands = parser.add_subparsers(dest="calendar_command", metavar="COMMAND", required=True)
    load = commands.add_parser("load", help=t("calendar.cli.load", lang))
    load.add_argument("file", help=t("calendar.cli.file", lang))
    load.set_defaults(handler=cmd_load)
    show = commands.add_parser("show", help=t("calendar.cli.show", lang))
    show.add_argument("year", type=int)
    show.set_defaults(handler=cmd_show)


def cmd_load(app: App, args: argparse.Namespace) -> int:
    year, days_off, workdays = app.application.load_calendar_year(args.file)
    app.out.line(app.t("calendar.loaded", year=year, days_off=days_off, workdays=workdays))
    return 0


def cmd_show(app: App, args: argparse.Namespace) -> int:
    """Days off on weekdays and working weekend days of the year, and where they come from."""
    calendar = WorkingCalendar(app.policy.calendar)
    year: int = args.year
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    weekend = set(app.policy.calendar.weekend)
    off = [d for d in days if d.isoweekday() not in weekend and not calendar.is_working_day(d)]
    working = [d for d in days if d.isoweekday() in weekend and calendar.is_working_day(d)]
    state = "provisional" if calendar.uncovered_years(first, first) else "official"
    app.out.line(app.t(f"calendar.state.{state}", year=year))
    app.out.line(app.t("calendar.days_off", days=", ".join(d.isoformat() for d in off) or "-"))
    app.out.line(app.t("calendar.workdays", days=", ".join(d.isoformat() for d in working) or "-"))
    return 0
