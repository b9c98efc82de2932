"""What every command handler gets: the application (settings, the store opened lazily,
the policy, the clock), printing helpers, and the option helpers every editing
command shares (``--version N``, ``--at DATETIME``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, TextIO

from eightd.application import Application
from eightd.errors import ValidationError
from eightd.i18n import t
from eightd.settings import Settings
from eightd.views.text import display_width

if TYPE_CHECKING:
    from eightd.policy import Policy

__all__ = [
    "App",
    "Printer",
    "add_at",
    "add_version",
    "display_width",
    "parse_day",
    "parse_when",
]


def parse_when(text: str, field: str, tz: tzinfo | None = None) -> datetime:
    """An ISO date-time typed on the command line; without a zone it is in ``tz`` (the
    policy's time zone: the company's clock, not the server's), else the machine's."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.reason.not_datetime") from None
    if moment.tzinfo:
        return moment
    return moment.replace(tzinfo=tz) if tz else moment.astimezone()


def add_version(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--version N``: the version of the case the user saw; a newer stored one is refused.
    (``--expected-version`` is kept as an alias.)"""
    parser.add_argument(
        "--version",
        "--expected-version",
        dest="version",
        type=int,
        metavar="N",
        help=t("app.opt.version", lang),
    )


def add_at(parser: argparse.ArgumentParser, lang: str, help_key: str = "app.opt.at") -> None:
    """``--at DATETIME``: the moment the command records (default: now)."""
    parser.add_argument("--at", metavar="DATETIME", help=t(help_key, lang))


def parse_day(text: str, field: str) -> date:
    """An ISO date (YYYY-MM-DD) typed on the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.reason.not_date") from None


def _clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


class Printer:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def line(self, text: str = "") -> None:
        print(text, file=self.stream)

    def json(self, value: Any) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2), file=self.stream)

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 40
    ) -> None:
        cells = [[_clip(str(c).replace("\n", " "), max_width) for c in row] for row in rows]
        widths = [display_width(h) for h in headers]
        for row in cells:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], display_width(cell))

        def fmt(row: Sequence[str]) -> str:
            return "  ".join(
                c + " " * (widths[i] - display_width(c)) for i, c in enumerate(row)
            ).rstrip()

        self.line(fmt(headers))
        self.line("  ".join("-" * w for w in widths))
        for row in cells:
            self.line(fmt(row))


class App:
    """A command's view of eightd: the :class:`Application` and the output."""

    def __init__(
        self,
        settings: Settings,
        out: Printer,
        *,
        now: Callable[[], datetime] | None = None,
        application: Application | None = None,
    ) -> None:
        self.settings = settings
        self.out = out
        self.application = application or Application.from_settings(settings, now=now)

    @property
    def lang(self) -> str:
        return self.settings.lang

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def now(self) -> datetime:
        return self.application.now()

    @property
    def policy(self) -> Policy:
        """The policy in force (``--policy`` / ``EIGHTD_POLICY`` over the default), read once."""
        return self.application.policy

    def local(self, moment: datetime) -> datetime:
        """A stored moment on the company's clock: every date the CLI prints is in the
        policy's time zone (07:30 in Beijing is that day, not the day before in UTC)."""
        return moment.astimezone(self.policy.tz)

    def close(self) -> None:
        self.application.dispose()
