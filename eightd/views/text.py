"""The view model of a case as lines of a terminal (``eightd show``).

A renderer like the HTML and Excel writers: every text comes resolved from the
:class:`~eightd.views.case.ReportContext` (values, labels, states), this module only lays
it out: the header, the stage timeline with each stage's state and due date, the review
findings, the approval state, then the D0–D8 sections.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

from eightd.views.case import Block, FindingView, ReportContext, Row, Section, TimelineRow

__all__ = ["display_width", "terminal_moment", "text_lines"]

INDENT = "  "
# how a finding is marked on the terminal, by severity
_MARKS = {"blocking": "✘", "warning": "!", "info": "·"}


def display_width(text: str) -> int:
    """Terminal columns of a string: CJK wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def terminal_moment(iso: str) -> str:
    """A moment of the timeline as the terminal shows it: to the minute with its UTC
    offset (the company's clock, whatever the terminal's); a deadline at the end of a
    day (a count of working days) as that day."""
    if not iso:
        return "-"
    moment = datetime.fromisoformat(iso)
    if (moment.hour, moment.minute, moment.second) == (23, 59, 59):
        return moment.date().isoformat()
    return moment.isoformat(timespec="minutes")


def text_lines(view: ReportContext) -> list[str]:
    """The whole case, line by line."""
    lines = [f"{view.number}  {view.title}"]
    lines += _block_title(view.labels["header.block"])
    lines += _rows([r for r in view.header if r.value])
    lines += _block_title(view.labels["timeline.title"])
    lines += _timeline(view, [*view.timeline, *view.clocks])
    if view.findings:
        lines += _block_title(view.labels["findings.block"])
        lines += [INDENT + _finding(f) for f in view.findings]
    lines += _block_title(view.labels["approval.block"])
    lines += _approval(view)
    states = {row.stage: row for row in view.timeline}
    for section in view.sections:
        lines += _section(view, section, states.get(section.stage))
    return lines


def _block_title(title: str) -> list[str]:
    return ["", title]


def _rows(rows: Sequence[Row], indent: str = INDENT) -> list[str]:
    """Labelled values, the values aligned; a value of several lines keeps its lines."""
    if not rows:
        return []
    width = max(display_width(r.label) for r in rows)
    out = []
    for row in rows:
        first, *more = row.value.splitlines() or [""]
        out.append(f"{indent}{_pad(row.label, width)}  {first}".rstrip())
        out += [f"{indent}{' ' * width}  {line}" for line in more]
    return out


def _table(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in [headers, *cells]) for i in range(len(headers))]
    return [
        INDENT + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *cells]
    ]


def _timeline(view: ReportContext, rows: Sequence[TimelineRow]) -> list[str]:
    labels = view.labels
    headers = [labels[f"timeline.{k}"] for k in ("stage", "start", "due", "done", "state")]
    cells = [
        [
            r.label,
            terminal_moment(r.start),
            terminal_moment(r.due),
            terminal_moment(r.done),
            r.state_text,
        ]
        for r in rows
    ]
    return _table(headers, cells)


def _finding(finding: FindingView) -> str:
    mark = "⚠" if finding.kind in ("notice", "escalation") else _MARKS[finding.severity]
    where = f"{finding.stage} " if finding.stage else ""
    return f"{mark} {where}{finding.text}"


def _approval(view: ReportContext) -> list[str]:
    approval = view.approval
    head = approval.banner
    if approval.state_text and approval.state_text.casefold() != head.casefold():
        head += f" ({approval.state_text})"
    lines = [INDENT + head]
    if approval.note:
        lines.append(INDENT + approval.note)
    return lines + _rows(approval.rows)


def _section(view: ReportContext, section: Section, state: TimelineRow | None) -> list[str]:
    title = section.title
    if state is not None:
        title += f" — {state.state_text}"
        if state.due:
            title += f" · {view.labels['timeline.due']} {terminal_moment(state.due)}"
    lines = _block_title(title)
    for block in section.blocks:
        lines += _block(view, block)
    return lines


def _block(view: ReportContext, block: Block) -> list[str]:
    if block.kind == "fields":
        return _rows(block.rows)
    if block.kind == "text":
        if not block.text:
            return []
        return _rows([Row(block.title, block.text)]) if block.title else _text(block.text)
    if block.kind == "table":
        lines = [INDENT + block.title] if block.title else []
        indent = INDENT * 2 if block.title else INDENT
        if not block.cells:
            return [*lines, indent + view.labels["empty_table"]]
        for row in block.cells:
            shown = [(col, cell) for col, cell in zip(block.columns, row, strict=True) if cell]
            colon = view.labels["colon"]
            cells = (f"{col}{colon}{_one_line(cell)}" for col, cell in shown)
            lines.append(indent + " · ".join(cells))
        return lines
    # a figure: the terminal shows the table that carries its content (causes, 5-Why)
    return []


def _one_line(text: str) -> str:
    return " / ".join(text.splitlines())


def _text(text: str) -> list[str]:
    return [INDENT + line for line in text.splitlines()]
