"""Writing tables as CSV and Excel safely: user text is never a formula.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(CSV injection). CSV cells that look like formulas get a leading apostrophe; Excel cells are
written with the string type (openpyxl would otherwise store ``=...`` as a formula) and the
quote prefix, so they show and edit as the text they are.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eightd.errors import ValidationError

__all__ = ["formula_like", "text_cell", "write_xlsx"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (a signed number is a number,
    a lone dash is text)."""
    return text[:1] in _FORMULA_START and text != "-" and not _NUMBER.match(text)


def text_cell(value: Any) -> str:
    """A CSV cell: ``None`` empty, formula-like text behind an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def write_xlsx(path: Path, sheets: Sequence[tuple[str, list[str], list[list[Any]]]]) -> None:
    """Write sheets of (title, headers, rows) atomically; text never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        widths = [_width(h) for h in headers]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # never a formula
                    if formula_like(value):
                        cell.quotePrefix = True
                else:
                    cell.value = value
                widths[c - 1] = max(widths[c - 1], _width(value))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.alignment = Alignment(vertical="center")
    _save(book, path)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet"
    return cleaned[:31]


def _width(value: Any) -> int:
    import unicodedata

    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[:80])


def _save(book: Any, path: Path) -> None:
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        book.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise ValidationError(str(path), "error.reason.unreadable", detail=exc.strerror) from None
