"""The complaint dashboard (rules AN-2, AN-3) as the workbench serves it: the page
``dashboard.ipynb`` under the real ``eightd serve`` (Voilà), in Chromium. Its KPI tiles,
Pareto charts and monthly trend show what the application computes; the filters narrow
them; the header's language switch redraws it; and the README's pictures are taken
from it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.async_api import Browser, Page, expect

from eightd.analytics import Filters
from eightd.analytics.dashboard import PARETO_DIMENSIONS
from eightd.application import Application
from eightd.settings import Settings
from tests.browser.conftest import NOW, QE, Workbench, browse
from tests.browser.test_workbench_walkthrough import IMAGES, TIMEOUT, visit

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.kernel]

TITLE = {"en": "Complaint dashboard", "zh": "投诉统计看板"}


@pytest.fixture
def app(workbench: Workbench) -> Iterator[Application]:
    settings = Settings.from_env(database_url=workbench.database_url, lang="en")
    settings = settings.with_(hub_user=QE)
    with Application.from_settings(settings, now=lambda: datetime.fromisoformat(NOW)) as app:
        yield app


async def _dashboard(browser: Browser, workbench: Workbench, lang: str, height: int = 1100) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": height})
    page = await context.new_page()
    await visit(page, workbench.page_url("dashboard", lang=lang), ".ed-dash .ed-tile")
    return page


def _tile(page: Page, index: int) -> object:
    return page.locator(".ed-dash .ed-tiles").first.locator(".ed-tile").nth(index).locator("b")


def test_the_dashboard_shows_the_kpis_pareto_charts_and_trend_and_its_filters_narrow_them(
    workbench: Workbench, app: Application
) -> None:
    summary = app.kpis()
    by_category = app.pareto("category")
    months = app.trend()
    customer = app.pareto("customer")[0].value
    narrowed = app.kpis(Filters(customer=customer))
    assert 0 < narrowed.complaints < summary.complaints  # the filter must change the figures

    async def scenario(browser: Browser) -> None:
        page = await _dashboard(browser, workbench, "en")
        await expect(page.locator(".ed-dash h2")).to_have_text(TITLE["en"])
        await expect(_tile(page, 0)).to_have_text(str(summary.complaints))  # type: ignore[arg-type]
        on_time = summary.on_time.percent
        expected = "–" if on_time is None else f"{on_time:.1f} %"
        await expect(_tile(page, 1)).to_contain_text(expected.split(" ")[0])  # type: ignore[arg-type]
        # one Pareto chart per dimension, bars drawn, the largest category named
        charts = page.locator(".ed-dash .ed-charts svg")
        await expect(charts).to_have_count(len(PARETO_DIMENSIONS))
        assert await charts.first.locator("rect").count() >= len(by_category)
        await expect(charts.first).to_contain_text(by_category[0].label[:10])  # may be clipped
        # the monthly trend: a bar per month, titled with its count
        trend = page.locator(".ed-dash > svg")
        await expect(trend).to_have_count(1)
        for month in months:
            await expect(trend).to_contain_text(f"{month.month}: {month.count}")
        # one customer's complaints
        await page.locator(".ed-dash-customer input").fill(customer)
        await page.locator(".ed-dash-apply").click()
        await expect(page.locator(".ed-dash p").first).to_contain_text(customer, timeout=TIMEOUT)
        await expect(_tile(page, 0)).to_have_text(str(narrowed.complaints))  # type: ignore[arg-type]
        # a day that does not exist is refused naming the field, in the page
        await page.locator(".ed-dash-start input").fill("2026-13-01")
        await page.locator(".ed-dash-apply").click()
        await expect(page.locator(".ed-dash-message")).to_contain_text(
            "YYYY-MM-DD", timeout=TIMEOUT
        )

    browse(scenario)


def test_the_language_switch_redraws_the_dashboard_in_chinese_and_back(
    workbench: Workbench,
) -> None:
    async def scenario(browser: Browser) -> None:
        page = await _dashboard(browser, workbench, "en")
        await expect(page.locator(".ed-dash-apply")).to_have_text("Apply")
        await expect(page.locator(".ed-dash-lang")).to_have_count(0)  # the header's switch
        await page.locator(".ed-lang button", has_text="中文").click()
        await expect(page.locator(".ed-dash h2")).to_have_text(TITLE["zh"], timeout=TIMEOUT)
        await expect(page.locator(".ed-dash-apply")).to_have_text("查询")
        await expect(page.locator(".ed-dash").first).to_contain_text("投诉处理及时率")
        await expect(page.locator(".ed-header")).to_contain_text("看板")
        await page.locator(".ed-lang button", has_text="English").click()
        await expect(page.locator(".ed-dash h2")).to_have_text(TITLE["en"], timeout=TIMEOUT)

    browse(scenario)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshot_of_the_dashboard(workbench: Workbench, lang: str) -> None:
    """The README's picture of the dashboard, taken from the running workbench."""

    async def scenario(browser: Browser) -> None:
        page = await _dashboard(browser, workbench, lang, height=1400)  # down to the trend
        await expect(page.locator(".ed-dash h2")).to_have_text(TITLE[lang])
        await expect(page.locator(".ed-dash .ed-charts svg").first).to_be_visible()
        await page.screenshot(path=str(IMAGES / f"dashboard-{lang}.png"))

    browse(scenario)
