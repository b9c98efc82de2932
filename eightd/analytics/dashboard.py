"""The analytics dashboard: KPIs, Pareto charts, the monthly trend, the overdue list and the
escalations, as one self-contained HTML page (charts are SVG drawn here, no script, no CDN:
it works offline and prints), in Chinese or English.

``dashboard_html`` renders it from an :class:`~eightd.application.Application`;
``DashboardWidget`` wraps it with filters (period, customer, product, language) for the
Voilà workbench (``notebooks/dashboard.ipynb``); ``eightd dashboard -o FILE.html`` writes it.
Every text from the data is escaped.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eightd.analytics.kpi import Kpis
from eightd.analytics.ledger import Filters
from eightd.analytics.pareto import ParetoRow, TrendRow
from eightd.i18n import t
from eightd.store.tables import CLOCK_KEYS, ledger

__all__ = ["PARETO_DIMENSIONS", "DashboardWidget", "bar_chart_svg", "dashboard_html", "trend_svg"]

PARETO_DIMENSIONS = ("category", "bone", "product", "customer")
_BAR = "#2f6fb0"
_LINE = "#d9822b"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------- charts (SVG)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _svg_head(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif"'
        f' font-size="11"><title>{esc(title)}</title>'
        f'<text x="44" y="16" font-size="13" font-weight="bold">{esc(title)}</text>'
    )


def _axis(left: int, y: int, width: int) -> str:
    return f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#999"/>'


def bar_chart_svg(rows: list[ParetoRow], *, title: str, width: int = 460) -> str:
    """A Pareto chart: bars largest first, the cumulative share as a line (right axis)."""
    # room above the tallest bar for its count, left of the first bar for its slanted label
    height, left, bottom, top = 242, 64, 70, 40
    plot_w, plot_h = width - left - 40, height - top - bottom
    parts = [
        _svg_head(width, height, title),
        _axis(left, top + plot_h, plot_w),
    ]
    if not rows:
        return "".join(parts) + "</svg>"
    peak = max(r.count for r in rows) or 1
    step = plot_w / len(rows)
    bar_w = max(4.0, step * 0.7)
    points = []
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        h = plot_h * row.count / peak
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{_BAR}">'
            f"<title>{esc(row.label)}: {row.count} ({row.percent:.1f} %)</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{row.count}</text>'
        )
        label_x, label_y = x + bar_w / 2, top + plot_h + 12
        parts.append(
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="end"'
            f' transform="rotate(-35 {label_x:.1f} {label_y:.1f})">'
            f"{esc(_clip(row.label, 14))}</text>"
        )
        points.append(
            (left + i * step + step / 2, top + plot_h * (1 - row.cumulative_percent / 100))
        )
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{_LINE}" stroke-width="2"/>')
    for x, y in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{_LINE}"/>')
    right = left + plot_w + 4
    parts.append(f'<text x="{right}" y="{top + 4}" fill="{_LINE}">100%</text>')
    parts.append(f'<text x="{right}" y="{top + plot_h}" fill="{_LINE}">0%</text>')
    return "".join(parts) + "</svg>"


def trend_svg(rows: list[TrendRow], *, title: str, width: int = 940) -> str:
    """Complaints per month as bars, the months along the axis."""
    height, left, bottom, top = 220, 44, 46, 28
    plot_w, plot_h = width - left - 20, height - top - bottom
    parts = [
        _svg_head(width, height, title),
        _axis(left, top + plot_h, plot_w),
    ]
    if rows:
        peak = max(r.count for r in rows) or 1
        step = plot_w / len(rows)
        bar_w = max(3.0, step * 0.6)
        for i, row in enumerate(rows):
            x = left + i * step + (step - bar_w) / 2
            h = plot_h * row.count / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"'
                f' fill="{_BAR}"><title>{esc(row.month)}: {row.count}</title></rect>'
            )
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}"'
                f' text-anchor="middle">{row.count}</text>'
            )
            if len(rows) <= 18 or i % max(1, len(rows) // 12) == 0:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}"'
                    f' text-anchor="middle">{esc(row.month)}</text>'
                )
    return "".join(parts) + "</svg>"


# ---------------------------------------------------------------- the page

_CSS = """
.ed-dash{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;color:#222;max-width:980px}
.ed-dash h2{font-size:18px;margin:8px 0}
.ed-dash h3{font-size:14px;margin:14px 0 6px}
.ed-tiles{display:flex;flex-wrap:wrap;gap:8px}
.ed-tile{border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;min-width:140px}
.ed-tile b{display:block;font-size:20px}
.ed-tile span{font-size:11px;color:#555}
.ed-charts{display:flex;flex-wrap:wrap;gap:10px}
.ed-dash table{border-collapse:collapse;font-size:12px}
.ed-dash td,.ed-dash th{border:1px solid #d0d7de;padding:3px 6px;text-align:left}
.ed-late{color:#b42318;font-weight:bold}
"""


def _pct(rate: Any) -> str:
    return "–" if rate.percent is None else f"{rate.percent:.1f} %"


def _tile(value: str, name: str, basis: str = "") -> str:
    return f'<div class="ed-tile"><b>{esc(value)}</b>{esc(name)}<br><span>{esc(basis)}</span></div>'


def _tiles(k: Kpis, lang: str) -> str:
    tr = lambda key, **p: t(f"analytics.kpi.{key}", lang, **p)  # noqa: E731
    ratio = lambda r: tr("ratio", n=r.numerator, d=r.denominator)  # noqa: E731
    hours = t("analytics.unit.hours", lang)
    num = lambda v: "–" if v is None else f"{v:.1f} {hours}"  # noqa: E731
    incidence = "–" if k.incidence.percent is None else f"{k.incidence.percent:.4f} %"
    tiles = [
        _tile(str(k.complaints), tr("complaints"), tr("open_closed", open=k.open, closed=k.closed)),
        _tile(_pct(k.on_time), tr("on_time"), ratio(k.on_time)),
        _tile(_pct(k.satisfaction), tr("satisfaction"), ratio(k.satisfaction)),
        _tile(incidence, tr("incidence"), ratio(k.incidence)),
        _tile(_pct(k.recurrence), tr("recurrence"), ratio(k.recurrence)),
        _tile(str(k.overdue), tr("overdue")),
        _tile(num(k.containment_hours_mean), tr("containment_mean")),
        _tile(num(k.containment_hours_p90), tr("containment_p90")),
        _tile(num(k.closure_hours_mean), tr("closure_mean")),
        _tile(num(k.closure_hours_p90), tr("closure_p90")),
    ]
    stages = "".join(
        _tile(_pct(rate), tr("on_time_clock", clock=_clock(key, lang)), ratio(rate))
        for key, rate in k.on_time_by_clock.items()
    )
    return f'<div class="ed-tiles">{"".join(tiles)}</div><div class="ed-tiles">{stages}</div>'


def _clock(key: str, lang: str) -> str:
    return t("analytics.clock.callback", lang) if key == "callback" else key


def _overdue_rows(conn: sa.Connection, filters: Filters, now: datetime, limit: int) -> list[Any]:
    c = ledger.c
    late = [
        sa.and_(c[f"{k.lower()}_state"] == "open", c[f"{k.lower()}_due"] < now) for k in CLOCK_KEYS
    ]
    query = (
        sa.select(ledger)
        .where(*filters.where(), c.status == "open", c.paused.is_(False), sa.or_(*late))
        .order_by(c.received_at)
        .limit(limit)
    )
    return list(conn.execute(query))


def _overdue_table(rows: list[Any], now: datetime, tz: Any, lang: str) -> str:
    if not rows:
        return f"<p>{esc(t('analytics.dashboard.no_overdue', lang))}</p>"
    head = "".join(
        f"<th>{esc(t(f'analytics.dashboard.col.{k}', lang))}</th>"
        for k in ("number", "customer", "product", "stage", "overdue", "owner")
    )
    body = []
    for row in rows:
        late = []
        for key in CLOCK_KEYS:
            due = getattr(row, f"{key.lower()}_due")
            if getattr(row, f"{key.lower()}_state") == "open" and due is not None:
                moment = due if due.tzinfo else due.replace(tzinfo=now.tzinfo)
                if moment < now:
                    late.append(f"{_clock(key, lang)} {moment.astimezone(tz):%Y-%m-%d}")
        body.append(
            "<tr>"
            f"<td>{esc(row.number)}</td><td>{esc(row.customer)}</td><td>{esc(row.product)}</td>"
            f'<td>{esc(row.stage)}</td><td class="ed-late">{esc(", ".join(late))}</td>'
            f"<td>{esc(row.owner or '–')}</td></tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _escalation_table(found: list[tuple[str, str, int, list[str]]], lang: str) -> str:
    if not found:
        return f"<p>{esc(t('analytics.dashboard.no_escalation', lang))}</p>"
    head = "".join(
        f"<th>{esc(t(f'analytics.dashboard.col.{k}', lang))}</th>"
        for k in ("number", "title", "level", "reasons")
    )
    body = "".join(
        f"<tr><td>{esc(n)}</td><td>{esc(title)}</td>"
        f'<td class="ed-late">{esc(t("analytics.dashboard.level", lang, level=level))}</td>'
        f"<td>{esc('; '.join(reasons))}</td></tr>"
        for n, title, level, reasons in found
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def dashboard_html(
    application: Any,
    filters: Filters | None = None,
    *,
    lang: str = "en",
    at: datetime | None = None,
    overdue_limit: int = 50,
) -> str:
    """The dashboard for the complaints the filters select, at ``at``, in ``lang``."""
    from eightd.analytics import pareto, trend
    from eightd.analytics.kpi import kpis

    filters = filters or Filters()
    now = at or application.now()
    policy = application.policy
    application.refresh_ledger(at=now)
    with application.store.uow(read_only=True) as uow:
        conn = uow.connection
        summary = kpis(conn, policy, now=now, filters=filters)
        charts = [
            bar_chart_svg(
                pareto(conn, dim, lang=lang, filters=filters, top=10, policy=policy),
                title=t(
                    "analytics.dashboard.pareto", lang, dimension=t(f"analytics.dim.{dim}", lang)
                ),
            )
            for dim in PARETO_DIMENSIONS
        ]
        months = trend(conn, lang=lang, filters=filters, policy=policy)
        overdue = _overdue_rows(conn, filters, now, overdue_limit)
        open_numbers = list(
            conn.execute(
                sa.select(ledger.c.number)
                .where(*filters.where(), ledger.c.status == "open")
                .order_by(ledger.c.number)
            ).scalars()
        )
    escalated = []
    for number in open_numbers:
        stored, result = application.assess(number, at=now)
        if result.escalation.level is not None:
            reasons = [notice.text(lang) for _, notice in result.escalation.reasons]
            escalated.append((number, stored.case.title, result.escalation.level, reasons))
    period = _period(filters, policy.tz, lang)
    title = t("analytics.dashboard.title", lang)
    return (
        f'<div class="ed-dash" lang="{esc(lang)}"><style>{_CSS}</style>'
        f"<h2>{esc(title)}</h2><p>{esc(period)}</p>"
        f"{_tiles(summary, lang)}"
        f"<h3>{esc(t('analytics.dashboard.paretos', lang))}</h3>"
        f'<div class="ed-charts">{"".join(charts)}</div>'
        f"<h3>{esc(t('analytics.dashboard.trend', lang))}</h3>"
        f"{trend_svg(months, title=t('analytics.dashboard.trend', lang))}"
        f"<h3>{esc(t('analytics.dashboard.overdue', lang))}</h3>"
        f"{_overdue_table(overdue, now, policy.tz, lang)}"
        f"<h3>{esc(t('analytics.dashboard.escalations', lang))}</h3>"
        f"{_escalation_table(escalated, lang)}</div>"
    )


def _period(filters: Filters, tz: Any, lang: str) -> str:
    start = filters.start.astimezone(tz).date().isoformat() if filters.start else "…"
    # the filter's end is exclusive (the next midnight): show the last day included
    last = filters.end - timedelta(microseconds=1) if filters.end else None
    end = last.astimezone(tz).date().isoformat() if last else "…"
    parts = [t("analytics.dashboard.period", lang, start=start, end=end)]
    if filters.customer:
        parts.append(t("analytics.dashboard.customer", lang, customer=filters.customer))
    if filters.product:
        parts.append(t("analytics.dashboard.product", lang, product=filters.product))
    return "; ".join(parts)


def parse_day(text: str, field: str) -> Any:
    """A date typed into a filter (YYYY-MM-DD); a ValidationError naming the filter."""
    from datetime import date

    from eightd.errors import ValidationError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.reason.not_date") from None


def page_html(body: str, *, lang: str) -> str:
    """A whole offline HTML page around the dashboard."""
    return (
        f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(t('analytics.dashboard.title', lang))}</title></head>"
        f"<body>{body}</body></html>"
    )


# ---------------------------------------------------------------- the Voilà widget


class DashboardWidget:
    """Filters (period, customer, product, language) above the dashboard; a failure is
    shown in the page (a widget callback's exception is otherwise invisible)."""

    def __init__(
        self,
        application: Any,
        *,
        lang: str = "en",
        at: datetime | None = None,
        language_switch: bool = True,
    ) -> None:
        """``language_switch=False``: the page around it (the workbench's header) switches."""
        import ipywidgets as widgets

        self.application = application
        self.at = at
        # the label beside each box takes its own width, the box the rest (a day fits)
        labelled = {"description_width": "initial"}
        self.start = widgets.Text(
            placeholder="YYYY-MM-DD", style=labelled, layout=widgets.Layout(width="170px")
        )
        self.end = widgets.Text(
            placeholder="YYYY-MM-DD", style=labelled, layout=widgets.Layout(width="170px")
        )
        self.customer = widgets.Text(style=labelled, layout=widgets.Layout(width="240px"))
        self.product = widgets.Text(style=labelled, layout=widgets.Layout(width="200px"))
        self.lang = widgets.ToggleButtons(options=[("中文", "zh"), ("English", "en")], value=lang)
        self.apply = widgets.Button(button_style="primary")
        self.message = widgets.HTML("")
        self.body = widgets.HTML("")
        for name in ("start", "end", "customer", "product", "lang", "apply", "message", "body"):
            getattr(self, name).add_class(f"ed-dash-{name}")  # what the page's tests find
        self.apply.on_click(lambda _: self.refresh())
        self.lang.observe(lambda _: self.refresh(), names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.start, self.end, self.customer, self.product, self.apply]),
                *([self.lang] if language_switch else []),
                self.message,
                self.body,
            ]
        )
        self.refresh()

    def _labels(self) -> None:
        lang = self.lang.value
        self.start.description = t("analytics.dashboard.from", lang)
        self.end.description = t("analytics.dashboard.to", lang)
        self.customer.description = t("analytics.dashboard.customer_filter", lang)
        self.product.description = t("analytics.dashboard.product_filter", lang)
        self.apply.description = t("analytics.dashboard.apply", lang)

    def filters(self) -> Filters:
        from datetime import time

        tz = self.application.policy.tz
        start = end = None
        if self.start.value.strip():
            start = datetime.combine(parse_day(self.start.value.strip(), "from"), time(0), tz)
        if self.end.value.strip():
            day = parse_day(self.end.value.strip(), "to") + timedelta(days=1)
            end = datetime.combine(day, time(0), tz)
        return Filters(
            start=start,
            end=end,
            customer=self.customer.value.strip() or None,
            product=self.product.value.strip() or None,
        )

    def refresh(self) -> None:
        from eightd.errors import EightDError

        self._labels()
        lang = self.lang.value
        try:
            self.body.value = dashboard_html(
                self.application, self.filters(), lang=lang, at=self.at
            )
            self.message.value = ""
        except EightDError as exc:
            self.message.value = f'<p class="ed-late">{esc(exc.message(lang))}</p>'
        except Exception as exc:  # shown, not swallowed: a callback's error is invisible
            self.message.value = f'<p class="ed-late">{esc(type(exc).__name__)}: {esc(exc)}</p>'
