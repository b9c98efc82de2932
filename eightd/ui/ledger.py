"""The ledger (跟踪台账), the landing page: one HTML table of the current page of cases,
with filters, text search, sorting and paging.

The table is one widget whose rows are page text (the browser's search and copy work);
every cell is escaped. Each row links to the case's own page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import ipywidgets as widgets

from eightd.domain import CaseStatus, Severity, Stage
from eightd.i18n import label
from eightd.ui.data import LedgerPage, LedgerQuery, ledger_page
from eightd.ui.session import Session
from eightd.ui.style import badge, esc
from eightd.ui.widgets import Feedback, card

__all__ = ["Ledger", "LedgerQuery"]

SORTS = ("number", "received", "due", "customer", "stage", "severity")
PAGE_SIZE = 25


class Ledger:
    """The ledger page's body."""

    def __init__(self, session: Session, *, page_size: int = PAGE_SIZE) -> None:
        self.session = session
        self.query = LedgerQuery(page_size=page_size)
        self.feedback = Feedback(session)
        self.table = widgets.HTML("", layout=widgets.Layout(width="100%"))
        self.table.add_class("ed-ledger")
        self.summary = widgets.HTML("")
        self.widget = widgets.VBox(layout=widgets.Layout(width="100%"))
        self._build()
        self.refresh()

    # -- building

    def _build(self) -> None:
        s = self.session
        lay = widgets.Layout(width="150px")
        any_ = s.t("ui.ledger.any")
        self.status = widgets.Dropdown(
            options=[(any_, ""), *[(label(m, s.lang), m.value) for m in CaseStatus]],
            value="open",
            description=s.t("ui.ledger.status"),
            layout=lay,
        )
        self.stage = widgets.Dropdown(
            options=[(any_, ""), *[(m.value, m.value) for m in Stage]],
            description=s.t("ui.ledger.stage"),
            layout=lay,
        )
        self.grade = widgets.Dropdown(
            options=[(any_, ""), *[(label(m, s.lang), m.value) for m in Severity]],
            description=s.t("ui.ledger.grade"),
            layout=lay,
        )
        self.customer = widgets.Text(
            description=s.t("ui.ledger.customer"), layout=widgets.Layout(width="210px")
        )
        self.product = widgets.Text(
            description=s.t("ui.ledger.product"), layout=widgets.Layout(width="210px")
        )
        # room for the longest label ("Received from") beside a whole YYYY-MM-DD
        self.received_from = widgets.Text(
            description=s.t("ui.ledger.from"),
            placeholder="YYYY-MM-DD",
            layout=widgets.Layout(width="240px"),
        )
        self.received_to = widgets.Text(
            description=s.t("ui.ledger.to"), placeholder="YYYY-MM-DD", layout=lay
        )
        self.overdue = widgets.Checkbox(
            description=s.t("ui.ledger.attention_only"),
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.search = widgets.Text(
            placeholder=s.t("ui.ledger.search_hint"),
            layout=widgets.Layout(width="340px"),
            continuous_update=False,
        )
        self.search.add_class("ed-search")
        self.sort = widgets.Dropdown(
            options=[(s.t(f"ui.ledger.sort.{k}"), k) for k in SORTS],
            description=s.t("ui.ledger.sort_by"),
            layout=lay,
        )
        self.descending = widgets.ToggleButton(
            value=False,
            description="↓",
            tooltip=s.t("ui.ledger.descending"),
            layout=widgets.Layout(width="40px"),
        )
        for w in (
            self.status,
            self.stage,
            self.grade,
            self.customer,
            self.product,
            self.received_from,
            self.received_to,
            self.overdue,
            self.search,
            self.sort,
            self.descending,
        ):
            w.style.description_width = "initial"
            w.observe(self._on_filter, names="value")
        apply = widgets.Button(description=s.t("ui.ledger.apply"), button_style="primary")
        apply.on_click(lambda _b: self._on_filter(None))
        self.prev = widgets.Button(
            description=s.t("ui.ledger.prev"), layout=widgets.Layout(width="90px")
        )
        self.next = widgets.Button(
            description=s.t("ui.ledger.next"), layout=widgets.Layout(width="90px")
        )
        self.prev.on_click(lambda _b: self._go(-1))
        self.next.on_click(lambda _b: self._go(+1))
        new = widgets.HTML(
            f'<a class="ed-newlink" href="{esc(s.url("new"))}">'
            f'<button class="jupyter-button mod-primary widget-button">'
            f"{esc(s.t('ui.ledger.new_complaint'))}</button></a>"
        )
        head = widgets.HBox(
            [widgets.HTML(f'<div class="ed-title">{esc(s.t("ui.ledger.title"))}</div>'), new],
            layout=widgets.Layout(justify_content="space-between", align_items="center"),
        )
        row1 = widgets.HBox([self.search, apply, self.status, self.stage, self.grade, self.overdue])
        row2 = widgets.HBox(
            [
                self.customer,
                self.product,
                self.received_from,
                self.received_to,
                self.sort,
                self.descending,
            ]
        )
        for row in (row1, row2):
            row.add_class("ed-toolbar")
            row.layout = widgets.Layout(flex_flow="row wrap", width="100%")
        pager = widgets.HBox([self.prev, self.next, self.summary])
        pager.add_class("ed-pager")
        self.widget.children = [
            card(head, row1, row2, self.feedback.widget),
            card(self.table, pager),
        ]

    # -- events

    def _on_filter(self, _change: Any) -> None:
        with self.feedback.guard():
            self.query = replace(self._query_from_inputs(), page=1)
            self.refresh()

    def _go(self, step: int) -> None:
        with self.feedback.guard():
            self.query = replace(self.query, page=max(1, self.query.page + step))
            self.refresh()

    def _query_from_inputs(self) -> LedgerQuery:
        return LedgerQuery(
            status=self.status.value,
            stage=self.stage.value,
            severity=self.grade.value,
            customer=self.customer.value.strip(),
            product=self.product.value.strip(),
            received_from=_day(self.received_from.value, "received_from"),
            received_to=_day(self.received_to.value, "received_to", end=True),
            attention_only=self.overdue.value,
            search=self.search.value.strip(),
            sort=self.sort.value,
            descending=self.descending.value,
            page_size=self.query.page_size,
        )

    # -- drawing

    def refresh(self) -> None:
        with self.feedback.guard():
            page = ledger_page(self.session.app, self.query)
            self.query = replace(self.query, page=page.page)
            self.table.value = self.render(page)
            s = self.session
            self.summary.value = esc(
                s.t("ui.ledger.page_of", page=page.page, pages=page.pages, total=page.total)
            )
            self.prev.disabled = page.page <= 1
            self.next.disabled = page.page >= page.pages

    def render(self, page: LedgerPage) -> str:
        s = self.session
        cols = [
            "number",
            "title",
            "customer",
            "product",
            "grade",
            "escalation",
            "stage",
            "next_due",
            "owner",
        ]
        head = "".join(f"<th>{esc(s.t(f'ui.ledger.col.{c}'))}</th>" for c in cols)
        if not page.rows:
            empty = esc(s.t("ui.ledger.empty"))
            body = f'<tr><td colspan="{len(cols)}" class="ed-muted">{empty}</td></tr>'
            return (
                f'<table class="ed-table ed-ledger-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )
        lines = []
        for row in page.rows:
            href = esc(s.url("case", number=row.number))
            due = ""
            if row.due is not None:
                when = row.due.astimezone(self.session.app.policy.tz).strftime("%Y-%m-%d %H:%M")
                due = badge(row.due_state, f"{when} · {s.t(f'ui.clock.{row.due_state}')}")
            elif row.due_state:
                due = badge(row.due_state, s.t(f"ui.clock.{row.due_state}"))
            cells = [
                f'<a href="{href}">{esc(row.number)}</a>',
                esc(row.title),
                esc(row.customer),
                esc(row.product),
                esc(label(Severity(row.severity), s.lang)) if row.severity else "—",
                esc(s.t("ui.ledger.level", level=row.escalation)) if row.escalation else "—",
                esc(
                    label(Stage(row.stage), s.lang)
                    if row.status == "open"
                    else label(CaseStatus(row.status), s.lang)
                ),
                due,
                esc(row.owner),
            ]
            tds = "".join(
                f'<td><a class="ed-rowlink" href="{href}">{c}</a></td>' if i else f"<td>{c}</td>"
                for i, c in enumerate(cells)
            )
            lines.append(f'<tr class="ed-row" data-number="{esc(row.number)}">{tds}</tr>')
        return (
            f'<table class="ed-table ed-ledger-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table>"
        )


def _day(text: str, name: str, *, end: bool = False) -> datetime | None:
    from eightd.errors import ValidationError

    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(name, "error.reason.not_date") from None
    moment = datetime.combine(day, time()).astimezone()
    return moment + timedelta(days=1) if end else moment
