"""Voilà as ``eightd serve`` runs it: ``python voila_main.py NOTEBOOKS_DIR [voila options]``.

Run as a script, never imported by eightd: the server process imports neither eightd nor
the widgets. Seven changes to Voilà as it comes, six about how fast a page is drawn and
one about the kernels a closed page leaves behind:

* Voilà imports jupyter_server -> jupyter_events -> jsonschema, whose IRI format checker
  (``rfc3987_syntax``) compiles its grammar when imported: 1.7 s of CPU at every start of
  the server. Nothing the workbench runs checks string formats; jsonschema leaves its
  format checkers out when their modules cannot be imported (see :func:`tuning`). (The
  pages' kernels do not import Voilà at all: they read their request with
  :func:`eightd.ui.session.query_string`.)
* With preheated kernels, Voilà starts one kernel per notebook at once, and on two cores
  the landing page's kernel shares them with the others while the user waits for it. Here
  the landing page's pool fills first; the other pools start filling once that kernel has
  drawn the first page (a preheated kernel waits for its request to draw it), or after
  :data:`HOLD_AT_MOST` seconds when no one asks for it, and :data:`BROWSER_GRACE` later
  (the browser's part of the first page). A page whose pool is still empty opens on a new
  kernel, as Voilà does whenever a pool is used up. The landing page's first kernel, which
  a user opening the workbench may already wait for, does not rehearse its page.
* Voilà refills a pool one second after it handed out a kernel, while that kernel still
  imports and draws the page a user waits for: the new kernel halves the cores it gets.
  Here a pool refills once the page that took its kernel is drawn, and
  :data:`BROWSER_GRACE` later (the browser's part of the page: on two cores, a kernel
  starting beside it made it up to a second slower).
* Voilà renders every page with a new nbconvert exporter, whose new Jinja environment
  compiles the page templates again: about 0.6 s of the server's CPU per kernel (1.5 s
  while a kernel starts beside it), during which the server answers nothing, not even the
  scripts of the page a user waits for. Here the compiled templates are kept in Jinja's
  bytecode cache (a private folder of the user's in the temporary directory), checked
  against the template's source on every use.
* A page that is closed asks the server to shut its kernel down (a beacon carrying the
  ``_xsrf`` cookie's token), but Voilà never sets that cookie, so the server refuses the
  request (403) and every page viewed keeps its kernel (about 90 MiB) until the idle cull,
  15 minutes later. Here every page sets the cookie, and the refusal check stays on.
* The server handles every message of a kernel (one per widget model of a page) more
  cheaply: see :func:`lighter_messages`.
* A kernel Voilà starts is ready as soon as it answers, not 0.2 s later: see
  :func:`ready_when_answered`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# what eightd's own processes change in the Jupyter libraries (imports no eightd)
TUNING = Path(__file__).resolve().parents[1] / "reports" / "jupyter_tuning.py"
LANDING = "ledger.ipynb"
HOLD_AT_MOST = 10.0  # seconds the other pools wait for the landing page's first view
NO_REHEARSAL = "EIGHTD_NO_REHEARSAL"  # see eightd.ui.prepare (eightd is not imported here)
BROWSER_GRACE = 2.0  # seconds a browser takes to load and draw a page its kernel drew


def landing_first(factory: Callable[..., type]) -> Callable[..., type]:
    """Wrap ``voila_kernel_manager_factory`` so that its preheating manager fills the
    landing page's pool before the others."""

    def make(base: type, preheat: bool, *args: Any, **kwargs: Any) -> type:
        manager = factory(base, preheat, *args, **kwargs)
        if not preheat:
            return manager

        class LandingFirst(manager):  # type: ignore[valid-type, misc]
            def __init__(self, **kwargs: Any) -> None:
                # the constructor fills every pool: hold back all but the landing page's
                self._held: list[tuple[str | None, dict[str, Any]]] | None = []
                # per notebook, the pool items handed out whose refill waits for their page
                self._taken: dict[str | None, list[Any]] = {}
                super().__init__(**kwargs)
                held, self._held = self._held or [], None
                if held:
                    asyncio.get_event_loop().create_task(self._fill_after_landing(held))

            def fill_if_needed(
                self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any
            ) -> None:
                if self._held is not None:  # the server starts
                    if notebook_name != LANDING:
                        self._held.append((notebook_name, kwargs))
                        return
                    # someone may wait for this kernel already: it draws no rehearsal
                    extra = dict(kwargs.pop("extra_kernel_env_variables", None) or {})
                    kwargs["extra_kernel_env_variables"] = {**extra, NO_REHEARSAL: "1"}
                taken = self._taken.get(notebook_name)
                if delay is None and taken:  # Voilà's refill once it handed out a kernel
                    asyncio.get_event_loop().create_task(
                        self._refill_when_drawn(taken.pop(0), notebook_name, kwargs)
                    )
                    return
                super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

            async def get_rendered_notebook(
                self, notebook_name: str, *args: Any, **kwargs: Any
            ) -> Any:
                # the pool item Voilà is about to hand out (it pops it before its first await)
                pool = self._pools.get(notebook_name) or [None]
                item, taken = pool[0], self._taken.setdefault(notebook_name, [])
                if item is not None:
                    taken.append(item)
                try:
                    return await super().get_rendered_notebook(notebook_name, *args, **kwargs)
                except BaseException:  # no refill follows a kernel that failed to start
                    if item in taken:
                        taken.remove(item)
                    raise

            async def _refill_when_drawn(
                self, item: Any, notebook_name: str | None, kwargs: dict[str, Any]
            ) -> None:
                # a page that failed or took too long: refill anyway
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._drawn(item), HOLD_AT_MOST)
                # and then the browser loads and draws it (a new kernel would slow it)
                super().fill_if_needed(delay=BROWSER_GRACE, notebook_name=notebook_name, **kwargs)

            @staticmethod
            async def _drawn(item: Any) -> None:
                # shielded: giving up waiting must not cancel Voilà's own tasks
                content = await asyncio.shield(item)
                await asyncio.shield(content["task"])

            async def _fill_after_landing(
                self, held: list[tuple[str | None, dict[str, Any]]]
            ) -> None:
                try:
                    await asyncio.wait_for(self._landing_warm(), HOLD_AT_MOST)
                    delay = BROWSER_GRACE  # the browser still draws the landing page
                except Exception:  # a kernel that failed or took too long: fill anyway
                    self.log.info("no first page of %s yet: the other pools fill now", LANDING)
                    delay = 0
                for name, kwargs in held:
                    super().fill_if_needed(delay=delay, notebook_name=name, **kwargs)

            async def _landing_warm(self) -> None:
                for item in list(self._pools.get(LANDING, ())):
                    await self._drawn(item)

        LandingFirst.__name__ = manager.__name__
        return LandingFirst

    return make


def compile_templates_once() -> None:
    """Give every nbconvert exporter's Jinja environment one bytecode cache."""
    from jinja2 import FileSystemBytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    cache = FileSystemBytecodeCache()  # Jinja's per-user folder, created private
    create = TemplateExporter._create_environment

    def _create_environment(self: TemplateExporter) -> Any:
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = _create_environment  # type: ignore[method-assign]


def send_xsrf_cookie() -> None:
    """Make every Voilà page set the ``_xsrf`` cookie, whose token its closing beacon sends
    back (the server checks it before shutting the page's kernel down)."""
    import inspect

    from voila.handler import VoilaHandler

    prepare = VoilaHandler.prepare

    async def prepare_with_xsrf_cookie(self: VoilaHandler) -> None:
        result = prepare(self)
        if inspect.isawaitable(result):
            await result
        self.xsrf_token  # noqa: B018 - Tornado sets the cookie when the token is first read

    VoilaHandler.prepare = prepare_with_xsrf_cookie


@functools.cache
def tuning() -> Any:
    """:mod:`eightd.reports.jupyter_tuning`, loaded by its path: importing it by name
    would import the eightd package into the server."""
    spec = importlib.util.spec_from_file_location("eightd_jupyter_tuning", TUNING)
    assert spec is not None and spec.loader is not None, TUNING
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lighter_messages() -> None:
    """Two costs the server pays for every message a kernel sends (a case page is about
    250 of them, one per widget model), which add up to a tenth of a second a page:

    * Traitlets leaves the application's logger at DEBUG and filters in its handler, so
      the debug line the kernel manager writes for each message was built into a log
      record and then dropped. Here the logger itself has the level the user chose.
    * The message headers' dates were parsed with dateutil's general ISO parser; the
      standard library's parses the same strings (those ``jupyter_client`` accepts)
      to equal values, in a thirtieth of the time.
    """
    from voila.app import Voila

    tuning().parse_dates_quickly()
    initialize = Voila.initialize

    def initialize_with_log_level(self: Voila, argv: Any = None) -> None:
        initialize(self, argv)
        self.log.setLevel(self.log_level)

    Voila.initialize = initialize_with_log_level


def ready_when_answered() -> None:
    """Voilà waits for every kernel it starts with jupyter_client's ``wait_for_ready``,
    whose last step waits for 0.2 s of silence on IOPub: a fifth of a second on the way
    to the first page (the landing page's first kernel starts with the server) and to
    any page opened on a new kernel. Here a client that a kernel manager made is ready
    once its kernel answered (``wait_until_answered`` of eightd's Jupyter tuning)."""
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import KernelManager

    original = AsyncKernelClient.wait_for_ready
    wait_until_answered = tuning().wait_until_answered

    async def wait_for_ready(self: AsyncKernelClient, timeout: float | None = None) -> None:
        if not isinstance(self.parent, KernelManager):  # jupyter_client's heartbeat path
            await original(self, timeout)
            return
        await wait_until_answered(self, timeout=timeout, is_alive=self._async_is_alive)

    AsyncKernelClient.wait_for_ready = wait_for_ready  # type: ignore[assignment]


def main() -> int:
    # run by its path, Python put this folder first on sys.path, where eightd's own
    # modules (session.py, widgets.py...) would shadow any library's of the same name
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    tuning().skip_format_checkers()
    import voila.app

    compile_templates_once()
    send_xsrf_cookie()
    lighter_messages()
    ready_when_answered()
    voila.app.voila_kernel_manager_factory = landing_first(voila.app.voila_kernel_manager_factory)
    return int(voila.app.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
