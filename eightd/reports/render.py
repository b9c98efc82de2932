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
    "page_css",
    "page_html",
    "section_html",
    "timeline_svg",
]


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


def page_css(ctx: ReportContext) -> str:
    """The report's style sheet (screen and A4 print, CJK fonts) with the page numbers
    of the report's language in the page footer (CSS paged media, printed by Chromium)."""
    footer = _css_counter_text(ctx.labels["page_number"])
    return (
        _sheet()
        + f"@page {{ @bottom-center {{ content: {footer}; font-size: 8pt; color: #52606d; }} }}"
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
    cells = [f'<th scope="row">{_text(r.label)}</th><td>{_text(r.value)}</td>' for r in rows]
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


def _block_html(block: Block, figures: Mapping[str, str], empty: str) -> str:
    title = f"<h3>{_text(block.title)}</h3>" if block.title else ""
    if block.kind == "fields":
        return title + (_rows_table(block.rows, columns=1) if block.rows else "")
    if block.kind == "text":
        return f'{title}<p class="text">{_text(block.text)}</p>' if block.text else ""
    if block.kind == "figure":
        return figure_html(block.title, figures.get(block.name, ""), block.name)
    head = "".join(f"<th>{_text(c)}</th>" for c in block.columns)
    if block.cells:
        body = "".join(
            "<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>" for row in block.cells
        )
    else:
        body = f'<tr><td class="empty" colspan="{len(block.columns)}">{_text(empty)}</td></tr>'
    return f'{title}<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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
    body = inline_svg(svg)
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


def timeline_svg(ctx: ReportContext, now: datetime) -> str:
    """A Gantt-like chart: each stage's window from the start of its clock to its
    deadline, a dot when it was done, and a dashed line at the report date."""
    rows = ctx.timeline
    points = [p for r in rows for p in (_parse(r.start), _parse(r.due), _parse(r.done)) if p]
    points.append(now)
    start, end = min(points), max(points)
    span = max((end - start).total_seconds(), 3600.0)
    left, width, row_h, top = 190, 470, 22, 24
    height = top + row_h * len(rows) + 28

    def x(moment: datetime) -> float:
        return left + width * max(0.0, (moment - start).total_seconds()) / span

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {left + width + 110} {height}" width="{left + width + 110}" '
        f'height="{height}" font-size="11" font-family="Noto Sans CJK SC, sans-serif">',
        f'<text x="{left}" y="14" fill="#555">{escape(start.date().isoformat())}</text>',
        f'<text x="{left + width}" y="14" fill="#555" text-anchor="end">'
        f"{escape(end.date().isoformat())}</text>",
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        colour = _COLOURS.get(row.state, "#9e9e9e")
        parts.append(f'<text x="4" y="{y + 15}">{_text(row.label)}</text>')
        begin, due, done = _parse(row.start), _parse(row.due), _parse(row.done)
        if due:
            x0 = x(begin) if begin else left
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 5}" width="{max(2.0, x(due) - x0):.1f}" '
                f'height="12" fill="{colour}" fill-opacity="0.25" stroke="{colour}"/>'
            )
        if done:
            parts.append(f'<circle cx="{x(done):.1f}" cy="{y + 11}" r="5" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + width + 8}" y="{y + 15}" fill="{colour}" '
            f'data-state="{escape(row.state)}">{_text(row.state_text)}</text>'
        )
    today = x(now)
    bottom = top + row_h * len(rows)
    parts.append(
        f'<line x1="{today:.1f}" y1="{top - 4}" x2="{today:.1f}" y2="{bottom}" '
        'stroke="#c62828" stroke-dasharray="3,3"/>'
        f'<text x="{today:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#c62828">'
        f"{_text(ctx.labels['timeline.today'])}</text></svg>"
    )
    return "".join(parts)


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
