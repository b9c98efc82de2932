"""The workbench: the pages QE teams work complaints in, served by Voilà (``eightd serve``)
or shown in a JupyterLab cell (:func:`show`).

Each page is one widget tree built from a :class:`~eightd.ui.session.Session` (the
application, the language, the acting user); widgets call the application's use cases
and never decide a business rule themselves.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets

from eightd.application import Application
from eightd.ui import session as _session
from eightd.ui.session import PAGES, Session, query_string

__all__ = ["PAGES", "Session", "page", "prepare", "query_string", "rehearse", "show"]

# set by ``eightd serve`` for the landing page's kernel started with the server
NO_REHEARSAL = "EIGHTD_NO_REHEARSAL"


def prepare(name: str | None = None) -> Application:
    """The application of a page, made before its request arrives (see
    :func:`eightd.ui.session.prepare`). A preheated kernel of page ``name`` also draws
    that page once, unseen (:func:`rehearse`), so the page a user waits for does not pay
    for first uses; not the landing page's kernel started with the server, which someone
    opening the workbench may already wait for."""
    app = _session.prepare()
    if name is not None and _session.preheated() and not os.environ.get(NO_REHEARSAL):
        rehearse(name, app)
    return app


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
    return page(name, urlencode(params), app=app)


def rehearse(name: str, app: Application) -> None:
    """Draw page ``name`` once with widgets that reach no browser, then close them.

    A page's first drawing in a new kernel took three times as long as the next ones
    (0.3 s against 0.1 s for a case): message catalogs read, widget classes' trait
    tables built, statements compiled. A preheated kernel pays that before its request.
    The rehearsal only reads (the first open case, if any) and leaves nothing
    behind: its widgets are closed and no message about them leaves the kernel."""
    import comm
    from ipywidgets.widgets.widget import _instances

    from eightd.i18n import LANGS, catalog

    if name not in PAGES:
        raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")
    for lang in LANGS:  # a page may switch languages: every catalog
        catalog(lang)
    params = {}
    if name == "case":
        rows = app.list_cases(status="open", limit=1) or app.list_cases(limit=1)
        if not rows:
            return
        params["number"] = rows[0].number
    before, create = set(_instances), comm.create_comm
    comm.create_comm = comm.DummyComm  # widgets open no comm to a frontend
    try:
        page(name, urlencode(params), app=app)
    finally:
        comm.create_comm = create
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()
