"""A real workbench for browser tests: `eightd serve` (Voilà, preheated kernels) on a free
port over a fresh SQLite store, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from eightd.application import Application
from eightd.settings import Settings
from eightd.ui.serve import free_port

# the workbench's clock in these tests (no test depends on the day it runs)
NOW = "2026-11-20T10:00:00+08:00"
QE, APPROVER = "qe.li", "wang.qa"


@dataclass(frozen=True)
class Workbench:
    url: str
    database_url: str
    log: Path

    def page_url(self, page: str, **params: str) -> str:
        from urllib.parse import urlencode

        return f"{self.url}/voila/render/{page}.ipynb?{urlencode(params)}"


def browse(scenario: Callable[[Browser], Awaitable[None]]) -> None:
    """Run a browser scenario on Chromium with Playwright's async API, in its own event
    loop: nothing of the browser (no loop, no greenlet) outlives the test."""

    async def main() -> None:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            try:
                await scenario(browser)
            finally:
                await browser.close()

    asyncio.run(main())


async def new_page(browser: Browser) -> Page:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    return await context.new_page()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"eightd serve exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"eightd serve did not answer: {log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="package")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    home = tmp_path_factory.mktemp("workbench")
    database_url = f"sqlite:///{home}/eightd.db"
    settings = Settings.from_env(database_url=database_url, lang="en")
    with Application.from_settings(settings, now=lambda: datetime.fromisoformat(NOW)) as app:
        app.init_store()  # the OS account running the tests: the first user (admin)
        app.set_user_roles(QE, ["intake", "qe"], display_name="Li QE")
        # the approver signs and works the call-back
        app.set_user_roles(APPROVER, ["approver", "qe"], display_name="Wang QA")
        app.load_demo(today=datetime.fromisoformat(NOW).date())  # a ledger worth looking at
        app.set_user_roles("zhou.sales", ["intake"])
        # the workbench's account acts for the page's (the hub's) user
        roles = {*next(u.roles for u in app.users() if u.name == app.user), "service"}
        app.set_user_roles(app.user, sorted(roles))
    with serve(home, database_url, hub_user=QE) as bench:
        yield bench


@pytest.fixture(scope="package")
def approver_workbench(workbench: Workbench) -> Iterator[Workbench]:
    """The approver's own workbench on the same store, as JupyterHub spawns one server per
    user: the hub's login (``JUPYTERHUB_USER``) is who acts, never a URL parameter."""
    home = Path(workbench.log).parent / "approver"
    home.mkdir(exist_ok=True)
    with serve(home, workbench.database_url, hub_user=APPROVER) as bench:
        yield bench


@contextmanager
def serve(home: Path, database_url: str, *, hub_user: str) -> Iterator[Workbench]:
    """``eightd serve`` for the hub user ``hub_user`` over the store ``database_url``."""
    port = free_port()
    env = {
        **os.environ,
        "EIGHTD_DATABASE_URL": database_url,
        "JUPYTERHUB_USER": hub_user,
        "EIGHTD_LANG": "en",
        "EIGHTD_HOME": str(home),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    log = home / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from eightd.cli import main; raise SystemExit(main())",
                "serve",
                "--port",
                str(port),
                "--at",
                NOW,
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/", process, log)
        yield Workbench(url, database_url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
