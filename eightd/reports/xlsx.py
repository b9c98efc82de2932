"""The 8D report as an Excel form, laid out as customers' 8D forms are (8D-FORM.md).

One sheet, twelve columns: the title and the approval banner, the header block
(label/value pairs, two per line), the stage timeline, then D0–D8 as bordered
blocks with merged cells for free text and the fishbone picture anchored in D4.
Every text is written as a string: a value starting with ``= + - @`` gets the
quote prefix and never becomes a formula.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eightd.diagrams.labels import display_width
from eightd.i18n import t
from eightd.reports.files import check_xlsx, replace_checked
from eightd.views.case import Block, ReportContext, Row

__all__ = ["write_xlsx"]

COLUMNS = 12
_COL_WIDTH = 12  # characters
_PX_PER_COL = 89  # Excel's pixel width of a 12-character column
_ROW_PX = 20
_THIN = Side(style="thin", color="9AA5B1")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF5")
_SECTION_FILL = PatternFill("solid", fgColor="C5D5EA")
_BANNER_FILL = {
    "valid": PatternFill("solid", fgColor="E8F5E9"),
    "none": PatternFill("solid", fgColor="FFEBEE"),
    "changed": PatternFill("solid", fgColor="FFF3E0"),
    "imported": PatternFill("solid", fgColor="FFF3E0"),
}
_FORMULA_START = ("=", "+", "-", "@")


class _Form:
    """A cursor over the sheet that writes bordered, merged, text-only cells."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def put(
        self,
        col: int,
        value: str,
        *,
        span: int = 1,
        bold: bool = False,
        fill: PatternFill | None = None,
        size: float | None = None,
    ) -> None:
        ws, row = self.ws, self.row
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = ws.cell(row=row, column=col)
        cell.value = text
        cell.data_type = "s"  # user text is data, never a formula
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
        cell.font = Font(bold=bold, size=size or 10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(col, col + span):
            target = ws.cell(row=row, column=c)
            target.border = _BORDER
            if fill is not None:
                target.fill = fill
        if span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)

    def fit(self, texts: list[tuple[str, int]]) -> None:
        """Close the row, as high as the tallest of (text, columns spanned) needs."""
        lines = 1
        for text, span in texts:
            per_line = max(1, span * _COL_WIDTH - 1)
            need = sum(
                max(1, math.ceil(display_width(part) / per_line)) for part in text.split("\n")
            )
            lines = max(lines, need)
        if lines > 1:
            self.ws.row_dimensions[self.row].height = 14 * lines
        self.row += 1

    def title(self, text: str, *, fill: PatternFill = _SECTION_FILL, size: float = 12) -> None:
        self.put(1, text, span=COLUMNS, bold=True, fill=fill, size=size)
        self.fit([(text, COLUMNS)])

    def pairs(self, rows: list[Row], per_line: int) -> None:
        """Label/value pairs; each pair spans COLUMNS / per_line columns (label a third)."""
        width = COLUMNS // per_line
        label_span = 2 if per_line > 1 else 3
        for i in range(0, len(rows), per_line):
            chunk = rows[i : i + per_line]
            texts = []
            for j, r in enumerate(chunk):
                col = 1 + j * width
                self.put(col, r.label, span=label_span, bold=True, fill=_HEAD_FILL)
                self.put(col + label_span, r.value, span=width - label_span)
                texts += [(r.label, label_span), (r.value, width - label_span)]
            self.fit(texts)

    def table(self, columns: list[str], cells: list[list[str]], empty: str) -> None:
        n = max(1, len(columns))
        spans = [COLUMNS // n + (1 if i < COLUMNS % n else 0) for i in range(n)]
        starts = [1 + sum(spans[:i]) for i in range(n)]
        for i, name in enumerate(columns):
            self.put(starts[i], name, span=spans[i], bold=True, fill=_HEAD_FILL)
        self.fit([(c, spans[i]) for i, c in enumerate(columns)])
        if not cells:
            self.put(1, empty, span=COLUMNS)
            self.fit([])
        for line in cells:
            for i, value in enumerate(line):
                self.put(starts[i], value, span=spans[i])
            self.fit([(v, spans[i]) for i, v in enumerate(line)])

    def image(self, png: bytes) -> None:
        picture = Image(io.BytesIO(png))
        max_w = COLUMNS * _PX_PER_COL - 10
        if picture.width > max_w:
            picture.height = int(picture.height * max_w / picture.width)
            picture.width = max_w
        self.ws.add_image(picture, f"A{self.row}")
        self.row += math.ceil(picture.height / _ROW_PX) + 1

    def gap(self) -> None:
        self.row += 1


def _block(form: _Form, block: Block, ctx: ReportContext, fishbone_png: bytes) -> None:
    if block.kind == "figure":
        if block.name == "fishbone" and fishbone_png:
            form.put(1, block.title, span=COLUMNS, bold=True)
            form.fit([])
            form.image(fishbone_png)
        return
    if block.title:
        form.put(1, block.title, span=COLUMNS, bold=True)
        form.fit([])
    if block.kind == "fields":
        form.pairs(block.rows, per_line=1)
    elif block.kind == "text" and block.text:
        form.put(1, block.text, span=COLUMNS)
        form.fit([(block.text, COLUMNS)])
    elif block.kind == "table":
        form.table(block.columns, block.cells, ctx.labels["empty_table"])


def _attachments(form: _Form, files: Sequence[Mapping[str, str]], lang: str) -> None:
    """The photos of one discipline (pictures), and its PDF evidence (by name)."""
    if not files:
        return
    key = (
        "attachment.report.photos"
        if files[0].get("stage") == "D2"
        else "attachment.report.evidence"
    )
    form.put(1, t(key, lang), span=COLUMNS, bold=True)
    form.fit([])
    for f in files:
        caption = f"{f.get('name', '')} · {f.get('uploaded_by', '')}"
        media_type = f.get("media_type", "")
        if media_type in ("image/png", "image/jpeg", "image/gif"):
            form.put(1, caption, span=COLUMNS)
            form.fit([])
            form.image(base64.b64decode(f.get("data", "")))
        else:
            form.put(1, f"PDF: {caption}", span=COLUMNS)
            form.fit([])


def write_xlsx(
    ctx: ReportContext,
    path: Path,
    *,
    fishbone_png: bytes = b"",
    attachments: Sequence[Mapping[str, str]] = (),
) -> Path:
    """Write the Excel form of ``ctx`` to ``path`` and return it; ``attachments`` (stage,
    name, media_type, uploaded_by, data in base64) are placed at their discipline."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = ctx.labels["sheet.name"][:31]
    for col in range(1, COLUMNS + 1):
        ws.column_dimensions[get_column_letter(col)].width = _COL_WIDTH
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True

    form = _Form(ws)
    form.title(f"{ctx.report_title} {ctx.number} — {ctx.title}", fill=_HEAD_FILL, size=15)
    form.put(1, f"{ctx.labels['subtitle']} · {ctx.report_date}", span=COLUMNS)
    form.fit([])
    banner = ctx.approval.banner + (f"\n{ctx.approval.note}" if ctx.approval.note else "")
    form.put(1, banner, span=COLUMNS, bold=True, fill=_BANNER_FILL[ctx.approval.state], size=13)
    form.fit([(banner, COLUMNS)])
    form.gap()

    form.title(ctx.labels["header.block"])
    form.pairs(ctx.header, per_line=2)
    form.gap()

    form.title(ctx.labels["timeline.title"])
    timeline = [
        [r.label, r.due[:16].replace("T", " "), r.done[:16].replace("T", " "), r.state_text]
        for r in ctx.timeline
    ]
    columns = [ctx.labels[f"timeline.{key}"] for key in ("stage", "due", "done", "state")]
    form.table(columns, timeline, ctx.labels["empty_table"])

    for section in ctx.sections:
        form.gap()
        form.title(section.title)
        for block in section.blocks:
            _block(form, block, ctx, fishbone_png)
        _attachments(form, [f for f in attachments if f.get("stage") == section.stage], ctx.lang)
        if section.stage == "D8":
            form.put(1, ctx.labels["approval.block"], span=COLUMNS, bold=True)
            form.fit([])
            form.put(
                1,
                ctx.approval.banner,
                span=COLUMNS,
                bold=True,
                fill=_BANNER_FILL[ctx.approval.state],
            )
            form.fit([])
            form.pairs(ctx.approval.rows, per_line=1)
    ws.print_area = f"A1:{get_column_letter(COLUMNS)}{form.row}"
    return replace_checked(path, wb.save, check_xlsx)
