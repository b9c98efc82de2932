"""One browser page's session: the application it calls, the language, the acting user,
and the links between the pages of the workbench.

A page is opened by a URL (``case.ipynb?number=202611-0003&lang=zh``); the notebook reads
its query string (:func:`query_string`, Voilà's ``get_query_string``) and builds a session
from it.
Settings come from the environment (``EIGHTD_DATABASE_URL``, ``EIGHTD_POLICY`` ...) as
everywhere else; ``EIGHTD_AT`` fixes the clock (demos, tests). The URL chooses the page's
case and language, never who acts: the acting user is the authenticated one
(``eightd.services.access.acting_user``), i.e. JupyterHub's login (``JUPYTERHUB_USER``,
set by the hub for the user's own server) when the workbench runs behind a hub, otherwise
the account running ``eightd serve``. A ``user`` parameter in the URL is ignored.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from eightd.application import Application
from eightd.i18n import normalize_lang, t
from eightd.settings import Settings

__all__ = ["PAGES", "Session", "fixed_clock", "preheated", "prepare", "query_string"]

PAGES = ("ledger", "case", "new", "dashboard")


def fixed_clock() -> Callable[[], datetime] | None:
    """The clock ``EIGHTD_AT`` (an ISO date-time with a zone) fixes, if set."""
    text = os.environ.get("EIGHTD_AT", "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("EIGHTD_AT needs a time zone, e.g. 2026-11-20T10:00+08:00")
    return lambda: moment


def prepare() -> Application:
    """The application of a page, made before its request arrives: settings from the
    environment, the store opened and the policy read (a preheated kernel does this)."""
    import importlib

    app = Application.from_settings(Settings.from_env(), now=fixed_clock())
    app.policy  # read the policy file now, not on the first click  # noqa: B018
    app.users()  # open the store (and its connection pool)
    # the pages' code (widgets, diagrams, the case view) is loaded before the request too
    pages = (
        "eightd.ui.case_page",
        "eightd.ui.ledger",
        "eightd.ui.intake",
        "eightd.ui.reports_panel",
        "eightd.analytics.dashboard",
    )
    for module in (*pages, "eightd.diagrams"):
        importlib.import_module(module)
    if preheated():  # a preheated Voilà kernel: the request's reader too
        importlib.import_module("websockets.sync.client")
    return app


def preheated() -> bool:
    """Whether this kernel is a preheated Voilà kernel (it runs before its request)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def query_url(kernel_id: str) -> str:
    """Where a preheated kernel receives its request, as Voilà's own helper computes it."""
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"


def query_string() -> str:
    """The query string of the request that opened this page: in a preheated kernel,
    wait for the request Voilà sends it (what ``voila.utils.get_query_string`` does),
    else read it from the kernel's environment.

    Voilà's helper lives in a module whose imports (Jupyter's server and the lab's
    configuration) cost every kernel about half a second of CPU before the first page;
    this one speaks the same few lines of protocol with the websockets client Voilà
    uses. A kernel whose environment does not look as expected uses Voilà's helper."""
    if not preheated():
        return os.environ.get("QUERY_STRING", "")
    kernel_id = os.environ.get("VOILA_KERNEL_ID")
    if not kernel_id:
        from voila.utils import get_query_string

        return str(get_query_string() or "")
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    url = query_url(kernel_id)
    try:
        with connect(url, open_timeout=5) as socket:
            info = socket.recv()
    except (OSError, WebSocketException) as error:  # refused, timed out, closed
        warnings.warn(f"no request from {url}: {error}", stacklevel=2)
        return os.environ.get("QUERY_STRING", "")
    for key, value in json.loads(info).items():
        os.environ[key] = value
    return os.environ.get("QUERY_STRING", "")


@dataclass
class Session:
    """What every widget of one page needs: the application, the language, the links."""

    app: Application
    params: dict[str, str] = field(default_factory=dict)
    clock: Callable[[], datetime] | None = None
    listeners: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: str | None = "", *, app: Application | None = None) -> Session:
        """A session for the page opened with ``query`` (``number=...&lang=zh``).

        ``app`` is an application made beforehand (a preheated kernel builds it before the
        request arrives); the query's language is applied to it. The query names no user:
        a URL anybody can edit must not choose who signs."""
        params = {k: v[-1] for k, v in parse_qs((query or "").lstrip("?")).items() if v}
        clock = fixed_clock()
        base = app or prepare()
        session = cls(app=base, params=params, clock=clock)
        params.pop("user", None)
        session.switch(lang=params.get("lang") or None)
        return session

    @property
    def lang(self) -> str:
        return self.app.lang

    @property
    def user(self) -> str:
        return self.app.user

    def t(self, key: str, /, **params: Any) -> str:
        return t(key, self.lang, **params)

    def switch(self, *, lang: str | None = None) -> None:
        """Change the language of this page; listeners redraw."""
        if not lang:
            return
        settings = self.app.settings.with_(lang=normalize_lang(lang))
        self.app = Application(
            settings, store=self.app.store, policy=self.app.policy, now=self.clock
        )
        for listener in list(self.listeners):
            listener()

    def url(self, page: str, **params: str) -> str:
        """A link to another page of the workbench (relative: works behind any base URL)."""
        if page not in PAGES:
            raise ValueError(page)
        query = {"lang": self.lang, **params}
        return f"{page}.ipynb?{urlencode(query)}"
