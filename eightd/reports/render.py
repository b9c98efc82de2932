"""HTML of the report, from a :class:`~eightd.views.ReportContext`.

Fragments (the header, one section, the approval block, the timeline chart)
are what the template notebook's cells display; :func:`page_html` joins them
into a whole page without any kernel. Every text that a user typed goes
through :func:`html.escape`; diagrams are inline SVG, so a page renders
offline and prints the same in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from html import escape
from pathlib import Path

from eightd.i18n import t
from eightd.views.case import ApprovalView, Block, ReportContext, Row, Section

__all__ = [
    "approval_html",
    "figure_html",
    "header_html",
    "inline_svg",
    "kept_tokens",
    "page_css",
    "page_html",
    "section_html",
    "timeline_svg",
]


# signs the report's CJK face draws blank, by their compatibility equivalents (NFKC)
_BLANK_GLYPHS = str.maketrans({"\u2103": "\u00b0C", "\u2109": "\u00b0F"})


def _text(value: str) -> str:
    return escape(value.translate(_BLANK_GLYPHS)).replace("\n", "<br>")


# a run of letters, digits and signs without spaces or CJK: a word, a number, a date,
# a code ("BM-3", "5M1E", "2026-09-16", "60000") that must never break across lines
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
# short CJK terms in column heads ("编号", "措施") stay on one line too
_CJK_TERM = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]{1,6}")
_SHORT_VALUE = 8
_LONGEST_UNBROKEN = 28  # longer tokens (a URL, a path) may wrap rather than overflow


def _keep(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) > _LONGEST_UNBROKEN:
        return word
    return f'<span class="w">{word}</span>'


def _chunks(line: str) -> list[str]:
    """A line cut at its spaces, the spaces kept as chunks of their own."""
    return [c for c in re.split(r"(\s+)", line) if c]


def kept_tokens(value: str) -> list[str]:
    """The pieces of a cell's text that are set on one line (what :func:`_cell` marks):
    every short space-delimited chunk ("已完成", "加工中心", "BM-3"), and in longer
    chunks their words, numbers and codes."""
    out = []
    for line in value.translate(_BLANK_GLYPHS).split("\n"):
        for chunk in _chunks(line):
            if chunk.isspace():
                continue
            if len(chunk) <= _SHORT_VALUE:
                out.append(chunk)
            else:
                out += [w for w in _WORD.findall(chunk) if len(w) <= _LONGEST_UNBROKEN]
    return out


def _cell(value: str, *, head: bool = False) -> str:
    """Cell text whose words, numbers and short terms never break in the middle; long
    CJK text still wraps between characters (a column head's short terms do not)."""
    out = []
    for line in value.translate(_BLANK_GLYPHS).split("\n"):
        parts = []
        for chunk in _chunks(line):
            if chunk.isspace():
                parts.append(escape(chunk))
            elif len(chunk) <= _SHORT_VALUE:
                parts.append(f'<span class="w">{escape(chunk)}</span>')
            else:
                text = _WORD.sub(_keep, escape(chunk))
                if head:
                    text = _CJK_TERM.sub(lambda m: f'<span class="w">{m.group(0)}</span>', text)
                parts.append(text)
        out.append("".join(parts))
    return "<br>".join(out)


# the page footer is outside the body: it needs the report's (TrueType) faces named again
_PAGE_FONTS = '"Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif'


def page_css(ctx: ReportContext) -> str:
    """The report's style sheet (screen and A4 print, CJK fonts) with the page numbers
    of the report's language in the page footer (CSS paged media, printed by Chromium)."""
    footer = _css_counter_text(ctx.labels["page_number"])
    return (
        _sheet()
        + f"@page {{ @bottom-center {{ content: {footer}; font-size: 8pt; color: #52606d; "
        + f"font-family: {_PAGE_FONTS}; }} }}"
    )


@cache
def _sheet() -> str:
    return Path(__file__).with_name("assets").joinpath("report.css").read_text("utf-8")


def _css_counter_text(template: str) -> str:
    """'Page {page} of {pages}' -> '"Page " counter(page) " of " counter(pages)'."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "").replace('"', "") + '"')
    return " ".join(out)


def _rows_table(rows: list[Row], columns: int = 2) -> str:
    """Label/value pairs laid out ``columns`` pairs per line, as on a paper form."""
    cells = [
        f'<th scope="row">{_cell(r.label, head=True)}</th><td>{_cell(r.value)}</td>' for r in rows
    ]
    lines = []
    for i in range(0, len(cells), columns):
        chunk = cells[i : i + columns]
        chunk += ["<th></th><td></td>"] * (columns - len(chunk))
        lines.append("<tr>" + "".join(chunk) + "</tr>")
    return '<table class="form">' + "".join(lines) + "</table>"


def header_html(ctx: ReportContext) -> str:
    banner = _banner(ctx.approval)
    return (
        '<header class="report-head">'
        f'<div class="title"><h1>{_text(ctx.report_title)} {_text(ctx.number)}</h1>'
        f'<p class="subtitle">{_text(ctx.labels["subtitle"])} · {_text(ctx.report_date)}</p></div>'
        f"{banner}"
        f'<h2 class="block">{_text(ctx.labels["header.block"])}</h2>'
        f"{_rows_table(ctx.header)}"
        "</header>"
    )


def _banner(approval: ApprovalView) -> str:
    note = f"<p>{_text(approval.note)}</p>" if approval.note else ""
    return (
        f'<div class="banner banner-{approval.state}" data-approval="{approval.state}">'
        f"<strong>{_text(approval.banner)}</strong>{note}</div>"
    )


_WIDE_TABLE = 8  # columns from which a table is set smaller to fit the page width


def _block_html(block: Block, figures: Mapping[str, str], empty: str) -> str:
    title = f"<h3>{_text(block.title)}</h3>" if block.title else ""
    if block.kind == "fields":
        return title + (_rows_table(block.rows, columns=1) if block.rows else "")
    if block.kind == "text":
        return f'{title}<p class="text">{_text(block.text)}</p>' if block.text else ""
    if block.kind == "figure":
        return figure_html(block.title, figures.get(block.name, ""), block.name)
    head = "".join(f"<th>{_cell(c, head=True)}</th>" for c in block.columns)
    if block.cells:
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in block.cells
        )
    else:
        body = f'<tr><td class="empty" colspan="{len(block.columns)}">{_text(empty)}</td></tr>'
    wide = " wide" if len(block.columns) >= _WIDE_TABLE else ""
    return (
        f'{title}<table class="grid{wide}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def section_html(ctx: ReportContext, stage: str, figures: Mapping[str, str] | None = None) -> str:
    """One discipline (``D0`` .. ``D8``); ``figures`` maps figure names to SVG text."""
    section: Section = ctx.section(stage)
    figures = figures or {}
    inner = "".join(_block_html(b, figures, ctx.labels["empty_table"]) for b in section.blocks)
    if stage == "D8":
        inner += approval_html(ctx)
    return (
        f'<section class="discipline" id="{escape(stage)}" data-stage="{escape(stage)}">'
        f"<h2>{_text(section.title)}</h2>{inner}</section>"
    )


def attachments_html(files: Sequence[Mapping[str, str]], lang: str) -> str:
    """The photos and evidence of one discipline: images shown, PDF files named. Each file
    is a mapping with stage, name, media_type, uploaded_by and data (base64)."""
    if not files:
        return ""
    stage = files[0].get("stage", "")
    title = t("attachment.report.photos" if stage == "D2" else "attachment.report.evidence", lang)
    items = []
    for f in files:
        caption = f"{escape(f.get('name', ''))} · {escape(f.get('uploaded_by', ''))}"
        media_type = f.get("media_type", "")
        if media_type.startswith("image/") and _BASE64.fullmatch(f.get("data", "")):
            items.append(
                f'<figure class="attachment"><img src="data:{escape(media_type)};base64,'
                f'{f["data"]}" alt="{escape(f.get("name", ""))}"><figcaption>{caption}'
                "</figcaption></figure>"
            )
        else:
            items.append(
                f'<figure class="attachment document"><figcaption>PDF: {caption}'
                "</figcaption></figure>"
            )
    return (
        f'<div class="attachments" data-stage="{escape(stage)}"><h3>{escape(title)}</h3>'
        f"{''.join(items)}</div>"
    )


_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def approval_html(ctx: ReportContext) -> str:
    rows = _rows_table(ctx.approval.rows, columns=1) if ctx.approval.rows else ""
    return (
        f'<div class="approval"><h3>{_text(ctx.labels["approval.block"])}</h3>'
        f"{_banner(ctx.approval)}{rows}</div>"
    )


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)


def inline_svg(svg: str) -> str:
    """SVG text fit for inlining in HTML: no XML prolog, no DOCTYPE (with its DTD URL)."""
    return _PROLOG.sub("", svg, count=1)


def figure_html(title: str, svg: str, name: str) -> str:
    body = inline_svg(svg).translate(_BLANK_GLYPHS)
    return (
        f'<figure class="diagram" data-figure="{escape(name)}">{body}'
        f"<figcaption>{_text(title)}</figcaption></figure>"
    )


_COLOURS = {  # by ClockState
    "pending": "#9e9e9e",
    "due": "#1565c0",
    "due_soon": "#f9a825",
    "overdue": "#c62828",
    "done_on_time": "#2e7d32",
    "done_late": "#ef6c00",
    "done": "#2e7d32",
    "untimed": "#90a4ae",
    "closed_abnormally": "#6a1b9a",
    "gate_unmet": "#8d6e63",  # passed without its gate met (rule GT-0)
}


def _parse(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


_FONTS = "Liberation Sans, Arial, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"


def _text_width(text: str) -> int:
    """Approximate width in px of ``text`` set at 11 px in the report's faces."""
    return round(sum(11 if ord(ch) >= 0x2E80 else 6.5 for ch in text))


def timeline_svg(ctx: ReportContext, now: datetime) -> str:
    """A Gantt-like chart: each stage's window from the start of its clock to its
    deadline, a dot when it was done, and a legend. An open case's chart runs to the
    report date (a dashed line); a closed case's spans its own life, received to closed."""
    rows = ctx.timeline
    points = [p for r in rows for p in (_parse(r.start), _parse(r.due), _parse(r.done)) if p]
    closed = bool(rows) and bool(rows[-1].done)  # D8 done: the case is closed
    if not closed or not points:
        points.append(now)
    start, end = min(points), max(points)
    span = max((end - start).total_seconds(), 3600.0)
    left, width, row_h, top = 190, 470, 18, 22
    # room right of the bars for the longest state text (11 px: a CJK sign ~11, others ~6.5)
    room = max([110, *(16 + _text_width(r.state_text) for r in rows)])
    bottom = top + row_h * len(rows)
    height = bottom + (22 if not closed else 4) + 34

    def x(moment: datetime) -> float:
        return left + width * max(0.0, (moment - start).total_seconds()) / span

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {left + width + room} {height}" width="{left + width + room}" '
        f'height="{height}" font-size="11" font-family="{_FONTS}">',
        f'<text x="{left}" y="14" fill="#555">{escape(start.date().isoformat())}</text>',
        f'<text x="{left + width}" y="14" fill="#555" text-anchor="end">'
        f"{escape(end.date().isoformat())}</text>",
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        colour = _COLOURS.get(row.state, "#9e9e9e")
        parts.append(f'<text x="4" y="{y + 13}">{_text(row.label)}</text>')
        begin, due, done = _parse(row.start), _parse(row.due), _parse(row.done)
        if due:
            x0 = x(begin) if begin else left
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(2.0, x(due) - x0):.1f}" '
                f'height="11" fill="{colour}" fill-opacity="0.25" stroke="{colour}"/>'
            )
        if done:
            parts.append(f'<circle cx="{x(done):.1f}" cy="{y + 9.5}" r="4.5" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + width + 8}" y="{y + 13}" fill="{colour}" '
            f'data-state="{escape(row.state)}">{_text(row.state_text)}</text>'
        )
    legend_y = bottom + 8
    if not closed:
        today = x(now)
        parts.append(
            f'<line x1="{today:.1f}" y1="{top - 4}" x2="{today:.1f}" y2="{bottom}" '
            'stroke="#c62828" stroke-dasharray="3,3"/>'
            f'<text x="{today:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#c62828">'
            f"{_text(ctx.labels['timeline.today'])}</text>"
        )
        legend_y += 18
    parts.append(_legend(ctx, legend_y))
    parts.append("</svg>")
    return "".join(parts)


def _legend(ctx: ReportContext, y: int) -> str:
    """What the bars and dots mean, and the colour of every state shown."""
    grey = "#616161"
    items = [
        f'<g class="legend" data-legend="timeline" font-size="10">'
        f'<rect x="4" y="{y}" width="18" height="9" fill="{grey}" fill-opacity="0.25" '
        f'stroke="{grey}"/><text x="26" y="{y + 9}">{_text(ctx.labels["timeline.window"])}</text>'
        f'<circle cx="{264}" cy="{y + 5}" r="4" fill="{grey}"/>'
        f'<text x="272" y="{y + 9}">{_text(ctx.labels["timeline.done_mark"])}</text>'
    ]
    shown: dict[str, str] = {}
    for row in ctx.timeline:
        shown.setdefault(row.state, row.state_text)
    cx = 4
    for state, text in shown.items():
        colour = _COLOURS.get(state, "#9e9e9e")
        items.append(
            f'<rect x="{cx}" y="{y + 14}" width="9" height="9" fill="{colour}"/>'
            f'<text x="{cx + 13}" y="{y + 23}" fill="{colour}">{_text(text)}</text>'
        )
        cx += 26 + 6 * len(text) + (6 * sum(1 for ch in text if ord(ch) > 0x2E80))
    items.append("</g>")
    return "".join(items)


def page_html(ctx: ReportContext, figures: Mapping[str, str], now: datetime) -> str:
    """The whole report as one self-contained HTML page, drawn without a kernel."""
    timeline = figure_html(ctx.labels["timeline.title"], timeline_svg(ctx, now), "timeline")
    body = [header_html(ctx), timeline]
    body += [section_html(ctx, s.stage, figures) for s in ctx.sections]
    return document(ctx, "".join(body))


def document(ctx: ReportContext, body: str) -> str:
    lang = "zh-CN" if ctx.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_text(ctx.report_title)} {_text(ctx.file_stem)}</title>"
        f"<style>{page_css(ctx)}</style></head>"
        f'<body class="eightd-report">{body}</body></html>'
    )
