"""The workbench's pages in Chromium: the language switch, untrusted text shown as text, two
people saving one case, and the screenshots the README shows (both languages)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from eightd.application import Application
from eightd.domain import Validity
from eightd.settings import Settings
from tests.browser.conftest import APPROVER, NOW, QE, Workbench, browse, new_page
from tests.browser.test_workbench_walkthrough import (
    IMAGES,
    TIMEOUT,
    open_stage,
    refuse_dialogs,
    visit,
)
from tests.conftest import make_intake

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.kernel]

MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture
def app(workbench: Workbench) -> Iterator[Application]:
    settings = Settings.from_env(database_url=workbench.database_url, lang="en")
    settings = settings.with_(hub_user=QE)  # through the workbench's service account
    with Application.from_settings(settings, now=lambda: datetime.fromisoformat(NOW)) as app:
        yield app


def _open(app: Application, title: str, **intake: object) -> str:
    stored = app.open_complaint(make_intake(**intake), title=title)
    return stored.case.number


def test_complaint_text_with_markup_is_shown_literally(
    workbench: Workbench, app: Application
) -> None:
    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        number = _open(app, MARKUP, defect_description=MARKUP, customer_name=MARKUP)
        dialogs: list[str] = []
        page.on("dialog", refuse_dialogs(dialogs))
        await visit(page, workbench.page_url("ledger", lang="en"), "table.ed-ledger-table")
        await page.locator(".ed-search input").fill(number)
        await page.locator(".ed-search input").press("Enter")
        row = page.locator(f'tr[data-number="{number}"]')
        await expect(row).to_contain_text(MARKUP, timeout=TIMEOUT)
        assert await page.locator("table.ed-ledger-table img").count() == 0
        await visit(page, workbench.page_url("case", number=number, lang="en"), ".ed-panel-D0")
        await expect(page.locator(".ed-case-title")).to_contain_text(MARKUP)
        await expect(page.locator(".ed-panel-D0")).to_contain_text(MARKUP)
        assert await page.locator(".ed-casepage img[src=x]").count() == 0
        assert dialogs == []

    browse(scenario)


def test_the_server_serves_no_file_and_no_code_highlighting(workbench: Workbench) -> None:
    """Voilà serves files of the notebooks' folder that its allowlist matches (images, by
    default): ``eightd serve`` allows none. The pages show no code, so the code-highlighting
    extension's scripts are not loaded either."""
    import urllib.error
    import urllib.request

    for name in ("anything.png", "ledger.ipynb"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{workbench.url}/voila/files/{name}", timeout=30)
        assert refused.value.code == 403, name  # refused before the file is even looked up

    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        await visit(page, workbench.page_url("ledger", lang="en"), "table.ed-ledger-table")
        config = await page.locator("#jupyter-config-data").text_content()
        extensions = [e["name"] for e in json.loads(config or "{}")["federated_extensions"]]
        assert "@jupyter-widgets/jupyterlab-manager" in extensions
        assert "jupyterlab_pygments" not in extensions

    browse(scenario)


def test_language_switch_redraws_every_label_in_chinese(workbench: Workbench) -> None:
    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        await visit(page, workbench.page_url("ledger", lang="en"), "table.ed-ledger-table")
        await expect(page.locator(".ed-title").first).to_have_text("Complaint ledger")
        await page.locator(".ed-lang button", has_text="中文").click()
        await expect(page.locator(".ed-title").first).to_have_text("投诉跟踪台账", timeout=TIMEOUT)
        await expect(page.locator("table.ed-ledger-table th").first).to_have_text("编号")
        await expect(page.locator(".ed-header")).to_contain_text("新建投诉")
        await page.locator(".ed-lang button", has_text="English").click()
        await expect(page.locator(".ed-title").first).to_have_text(
            "Complaint ledger", timeout=TIMEOUT
        )

    browse(scenario)


def test_the_hub_login_acts_and_a_url_cannot_choose_another_user(
    workbench: Workbench, approver_workbench: Workbench, app: Application
) -> None:
    """Each hub user has their own server (JUPYTERHUB_USER); a ``user`` in the URL names
    nobody: the QE's page stays the QE's, and the QE still cannot sign."""

    async def scenario(browser: Browser) -> None:
        number = _open(app, "Who signs")
        page = await new_page(browser)
        forged = workbench.page_url("case", number=number, lang="en", user=APPROVER)
        await visit(page, forged, ".ed-panel-D0")
        signed_in = page.locator(".ed-signed-in")
        await expect(signed_in).to_have_attribute("data-user", QE)
        await expect(signed_in).to_contain_text("Signed in as Li QE (qe.li)")
        # the links the page makes carry no user either
        for link in await page.locator(".ed-nav a").all():
            assert "user=" not in (await link.get_attribute("href") or "")
        await page.locator(".ed-input-validity select").select_option(index=1)
        await page.locator(".ed-input-validity-note textarea").fill("checked by the QE")
        await page.locator(".ed-btn-validity").click()
        await page.wait_for_selector('.ed-case-title[data-version="2"]', timeout=TIMEOUT)
        history = app.history(number)
        assert history[-1].user == QE  # saved as the hub's login, not as the URL's

        other = await new_page(browser)
        await visit(other, approver_workbench.page_url("ledger", lang="en"), ".ed-signed-in")
        await expect(other.locator(".ed-signed-in")).to_have_attribute("data-user", APPROVER)
        # the header links to the dashboard, a workbench page with the same header
        await other.locator(".ed-nav a", has_text="Dashboard").click()
        await other.wait_for_selector(".ed-signed-in", timeout=TIMEOUT)
        await expect(other.locator(".ed-header")).to_contain_text("Dashboard")

    browse(scenario)


def test_a_stale_save_is_refused_with_who_and_when_and_the_input_is_kept(
    workbench: Workbench, app: Application
) -> None:
    async def scenario(browser: Browser) -> None:
        number = _open(app, "Two people, one case")
        first, second = await new_page(browser), await new_page(browser)
        for page in (first, second):
            await visit(page, workbench.page_url("case", number=number, lang="en"), ".ed-panel-D0")

        await first.locator(".ed-input-validity select").select_option(index=1)
        await first.locator(".ed-input-validity-note textarea").fill("first: founded")
        await first.locator(".ed-btn-validity").click()
        await first.wait_for_selector('.ed-case-title[data-version="2"]', timeout=TIMEOUT)

        await second.locator(".ed-input-validity select").select_option(index=2)
        await second.locator(".ed-input-validity-note textarea").fill("second: my unsaved words")
        await second.locator(".ed-btn-validity").click()
        warning = second.locator(".ed-feedback .ed-msg-warn")
        await expect(warning).to_contain_text(f"changed by {QE}", timeout=TIMEOUT)
        await expect(warning).to_contain_text("2026-11-20 10:00")
        await expect(second.locator(".ed-input-validity-note textarea")).to_have_value(
            "second: my unsaved words"
        )
        assert app.load(number).case.validity_note == "first: founded"
        await second.locator(".ed-reload").click()
        await expect(second.locator(".ed-input-validity-note textarea")).to_have_value(
            "first: founded", timeout=TIMEOUT
        )
        await expect(second.locator(".ed-case-title")).to_have_attribute("data-version", "2")
        assert app.load(number).case.validity is Validity.FOUNDED

    browse(scenario)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_of_the_ledger_a_case_with_its_fishbone_and_an_intake_error(
    workbench: Workbench, app: Application, lang: str
) -> None:
    """The README's pictures, taken from the running workbench in each language."""

    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        await visit(
            page, workbench.page_url("ledger", lang=lang), "table.ed-ledger-table tr.ed-row"
        )
        await page.screenshot(path=str(IMAGES / f"workbench-ledger-{lang}.png"))

        with_causes = max(
            (s.case for s in (app.load(n) for n in app.numbers(status="open"))),
            key=lambda case: len(case.causes),
        )
        url = workbench.page_url("case", number=with_causes.number, lang=lang)
        await visit(page, url, ".ed-stepper")
        await open_stage(page, "D4")
        await expect(page.locator(".ed-fishbone svg")).to_be_visible()
        await page.set_viewport_size({"width": 1280, "height": 1500})
        await page.locator(".ed-header").scroll_into_view_if_needed()
        await page.screenshot(path=str(IMAGES / f"workbench-case-{lang}.png"))
        await page.set_viewport_size({"width": 1280, "height": 900})

        if lang == "zh":
            await visit(page, workbench.page_url("new", lang=lang), ".ed-save-intake")
            await page.locator(".ed-field-customer_name input").fill("华新汽车零部件")
            await page.locator(".ed-field-defect_count input").fill("三十七")
            await page.locator(".ed-save-intake").click()
            await expect(page.locator(".ed-field-defect_count .ed-error")).to_contain_text(
                "整数", timeout=TIMEOUT
            )
            await page.locator(".ed-header").scroll_into_view_if_needed()
            await page.screenshot(path=str(IMAGES / "workbench-intake-error-zh.png"))

    browse(scenario)


def _png(width: int = 48, height: int = 32) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_defect_photo_is_uploaded_shown_and_printed_in_the_html_report(
    workbench: Workbench, app: Application, tmp_path: Path
) -> None:
    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        number = _open(app, "Scratched housing, photo attached")
        photo = tmp_path / "scratch-J3.png"
        photo.write_bytes(_png())
        await visit(page, workbench.page_url("case", number=number, lang="en"), ".ed-stepper")
        await open_stage(page, "D2")
        async with page.expect_file_chooser() as chooser:
            await page.locator(".ed-upload-D2").click()
        await (await chooser.value).set_files(str(photo))
        await expect(page.locator('.ed-files-D2 img[alt="scratch-J3.png"]')).to_be_visible(
            timeout=TIMEOUT
        )
        assert [a.name for a in app.attachments(number)] == ["scratch-J3.png"]

        await page.locator(".ed-report-html").click()
        link = page.locator(".ed-download-html")
        await link.wait_for(timeout=180_000)
        async with page.expect_download() as download_info:
            await link.click()
        report = Path(await (await download_info.value).path()).read_text(encoding="utf-8")
        assert 'data-figure="fishbone"' in report
        assert base64.b64encode(photo.read_bytes()).decode("ascii") in report
        assert "scratch-J3.png" in report

        # a wrong photo is taken off the case, with the reason; it stays on record
        await page.locator(".ed-remove-choice-D2 select").select_option(index=0)
        await page.locator(".ed-remove-file-D2").click()  # no reason yet: refused
        await expect(page.locator(".ed-feedback")).to_contain_text("required", timeout=TIMEOUT)
        await expect(page.locator('.ed-files-D2 img[alt="scratch-J3.png"]')).to_be_visible()
        await page.locator(".ed-remove-reason-D2 input").fill("another customer's part")
        await page.locator(".ed-remove-file-D2").click()
        await expect(page.locator(".ed-feedback")).to_contain_text(
            "scratch-J3.png removed", timeout=TIMEOUT
        )
        await expect(page.locator('.ed-files-D2 img[alt="scratch-J3.png"]')).to_have_count(0)
        assert app.attachments(number) == []
        removed = [e for e in app.history(number) if e.action == "remove_attachment"]
        assert [(e.old_value, e.new_value) for e in removed] == [
            ("scratch-J3.png", "another customer's part")
        ]

    browse(scenario)


def test_a_closed_page_shuts_its_kernel_down(workbench: Workbench, app: Application) -> None:
    # Voilà's closing beacon carries the _xsrf cookie's token; without the cookie the
    # server refused it (403) and every page viewed kept its kernel until the idle cull
    number = app.numbers(status="open")[0]

    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        await visit(page, workbench.page_url("case", number=number, lang="en"), ".ed-stepper")
        config = await page.locator("#jupyter-config-data").text_content()
        kernel = json.loads(config or "{}")["kernelId"]
        assert kernel and f"Kernel shutdown: {kernel}" not in workbench.log.read_text()
        await page.goto("about:blank")  # the page's beforeunload sends the beacon
        deadline = time.monotonic() + 30
        while f"Kernel shutdown: {kernel}" not in workbench.log.read_text():
            assert time.monotonic() < deadline, workbench.log.read_text()[-2000:]
            await asyncio.sleep(0.2)
        assert f"403 POST /voila/api/shutdown/{kernel}" not in workbench.log.read_text()

    browse(scenario)
