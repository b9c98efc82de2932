"""The workbench: the pages QE teams work complaints in, served by Voilà (``eightd serve``)
or shown in a JupyterLab cell (:func:`show`).

Each page is one widget tree built from a :class:`~eightd.ui.session.Session` (the
application, the language, the acting user); widgets call the application's use cases
and never decide a business rule themselves.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from eightd.ui.session import PAGES, Session, prepare, query_string

__all__ = ["PAGES", "Session", "page", "prepare", "query_string", "show"]


def page(name: str, query: str | None = "", *, app: Any = None) -> widgets.Widget:
    """The widget of workbench page ``name`` (``ledger``, ``case``, ``new``, ``dashboard``)
    for the URL query ``query`` (``number=202611-0003&lang=zh``)."""
    from eightd.ui.widgets import Frame

    session = Session.from_query(query, app=app)
    if name not in PAGES:
        raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")

    def body() -> widgets.Widget:
        if name == "case":
            from eightd.ui.case_page import CasePage

            number = session.params.get("number", "")
            if not number:
                from eightd.errors import ValidationError

                raise ValidationError("number", "error.reason.required")
            return CasePage(session, number).widget
        if name == "dashboard":
            from eightd.analytics.dashboard import DashboardWidget

            at = session.clock() if session.clock else None
            board = DashboardWidget(session.app, lang=session.lang, at=at, language_switch=False)
            return board.widget
        if name == "new":
            from eightd.ui.intake import IntakePage

            return IntakePage(session).widget
        from eightd.ui.ledger import Ledger

        return Ledger(session).widget

    return Frame(session, body).widget


def show(name: str = "ledger", *, app: Any = None, **params: str) -> widgets.Widget:
    """The same page as in the browser, in a JupyterLab cell::

    import eightd.ui
    eightd.ui.show()                              # the ledger
    eightd.ui.show("case", number="202611-0003")  # one case
    """
    from urllib.parse import urlencode

    return page(name, urlencode(params), app=app)
