"""Small building blocks every page uses: cards, the message area that shows what a
callback did or why it failed, and the page frame (header, language switch, user)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from eightd.errors import ConcurrentEditError, EightDError, StageGateError
from eightd.i18n import t
from eightd.ui.session import Session
from eightd.ui.style import esc, style_sheet

__all__ = ["Feedback", "Frame", "card", "gate_text", "heading"]

log = logging.getLogger("eightd.ui")


def card(*children: widgets.Widget, title: str = "") -> widgets.VBox:
    items = list(children)
    if title:
        items.insert(0, heading(title))
    return widgets.VBox(items, layout=widgets.Layout(width="100%"), _dom_classes=("ed-card",))


def heading(text: str, level: int = 2) -> widgets.HTML:
    return widgets.HTML(f'<div class="ed-h{level}">{esc(text)}</div>')


def gate_text(exc: StageGateError, lang: str) -> str:
    """A gate refusal as HTML: the sentence, then every missing item in words."""
    items = "".join(f"<li>{esc(t(code, lang))}</li>" for code in exc.missing)
    return f"{esc(t('ui.msg.refused', lang))}<ul>{items}</ul>"


class Feedback:
    """The message area of a form or page. ``guard()`` runs a callback and shows its
    outcome: an EightDError as its sentence, anything else as an unexpected error
    (the details go to an Output the user can open), so no exception is swallowed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.message = widgets.HTML("")
        self.details = widgets.Output(layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([self.message, self.details])
        self.widget.add_class("ed-feedback")
        self.on_conflict: Callable[[ConcurrentEditError], None] | None = None

    def show(self, kind: str, html_text: str) -> None:
        self.message.value = f'<div class="ed-msg ed-msg-{kind}">{html_text}</div>'

    def ok(self, text: str) -> None:
        self.show("ok", esc(text))

    def info(self, text: str) -> None:
        self.show("info", esc(text))

    def clear(self) -> None:
        self.message.value = ""
        self.details.clear_output()
        self.details.layout.display = "none"

    def error(self, exc: BaseException) -> None:
        lang = self.session.lang
        if isinstance(exc, StageGateError):
            self.show("error", gate_text(exc, lang))
        elif isinstance(exc, ConcurrentEditError):
            self.show("warn", esc(exc.message(lang)))
            if self.on_conflict is not None:
                self.on_conflict(exc)
        elif isinstance(exc, EightDError):
            self.show("error", esc(exc.message(lang)))
        else:
            log.exception("unexpected error in a workbench callback")
            self.show("error", esc(t("ui.msg.unexpected", lang, error=type(exc).__name__)))
            self.details.layout.display = ""
            with self.details:
                print("".join(traceback.format_exception(exc)))

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:  # every failure is shown, none is lost
            self.error(exc)

    def run(self, action: Callable[[], Any]) -> Callable[[Any], None]:
        """A button callback that runs ``action`` under :meth:`guard`."""

        def handler(_event: Any = None) -> None:
            self.clear()
            with self.guard():
                action()

        return handler


class Frame:
    """A page: the style sheet, the header (brand, links, language and user), the body."""

    def __init__(self, session: Session, body: Callable[[], widgets.Widget]) -> None:
        self.session = session
        self.body_factory = body
        self.widget = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.widget.add_class("ed-page")
        session.listeners.append(self.redraw)
        self.redraw()

    def redraw(self) -> None:
        s = self.session
        try:
            body = self.body_factory()
        except Exception as exc:
            feedback = Feedback(s)
            feedback.error(exc)
            body = feedback.widget
        self.widget.children = [style_sheet(), self._header(), body]

    def _header(self) -> widgets.Widget:
        s = self.session
        brand = widgets.HTML(
            f'<div class="ed-brand">{esc(s.t("ui.brand"))}<small>{esc(s.t("ui.tagline"))}'
            f'</small><span class="ed-nav"><a href="{esc(s.url("ledger"))}">'
            f'{esc(s.t("ui.nav.ledger"))}</a><a href="{esc(s.url("new"))}">'
            f'{esc(s.t("ui.nav.new"))}</a><a href="{esc(s.url("dashboard"))}">'
            f"{esc(s.t('ui.nav.dashboard'))}</a></span></div>"
        )
        lang = widgets.ToggleButtons(
            options=[("中文", "zh"), ("English", "en")],
            value=s.lang,
            style={"button_width": "72px"},
        )
        lang.add_class("ed-lang")
        lang.observe(lambda ch: s.switch(lang=ch["new"]), names="value")
        user = widgets.HTML(self._signed_in())
        user.add_class("ed-user")
        right = widgets.HBox([user, lang], layout=widgets.Layout(align_items="center"))
        header = widgets.HBox(
            [brand, right],
            layout=widgets.Layout(justify_content="space-between", align_items="center"),
        )
        header.add_class("ed-header")
        return header

    def _signed_in(self) -> str:
        """Who acts on this page, read-only: the hub's login (or the account serving the
        workbench), never a name chosen in the page."""
        s = self.session
        try:
            name = s.user
        except EightDError as exc:  # the serving account may not act for the hub's login
            return f'<span class="ed-signed-in ed-error">{esc(exc.message(s.lang))}</span>'
        try:
            account = next((u for u in s.app.users() if u.name == name), None)
        except EightDError:
            account = None
        shown = name
        if account is not None and account.display_name and account.display_name != name:
            shown = f"{account.display_name} ({name})"
        return (
            f'<span class="ed-signed-in" data-user="{esc(name)}">'
            f"{esc(s.t('ui.nav.acting_as'))} <b>{esc(shown)}</b></span>"
        )
