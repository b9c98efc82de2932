"""What every command handler gets: settings, the store (opened lazily), printing helpers."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO

from eightd.errors import ValidationError
from eightd.i18n import t
from eightd.settings import Settings

__all__ = ["App", "Printer", "display_width", "parse_day", "parse_when"]


def parse_when(text: str, field: str) -> datetime:
    """An ISO date-time typed on the command line; without a zone it is local time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.reason.not_datetime") from None
    return moment if moment.tzinfo else moment.astimezone()


def parse_day(text: str, field: str) -> date:
    """An ISO date (YYYY-MM-DD) typed on the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.reason.not_date") from None


def display_width(text: str) -> int:
    """Terminal columns of a string: CJK wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
    def __init__(self, settings: Settings, out: Printer) -> None:
        self.settings = settings
        self.out = out
        self._store: Any = None

    @property
    def lang(self) -> str:
        return self.settings.lang

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    @property
    def store(self) -> Any:
        """The case store, opened on first use (SQLite is created on the fly)."""
        if self._store is None:
            from eightd.store import open_store

            self._store = open_store(self.settings.database_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
