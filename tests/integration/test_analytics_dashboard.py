"""The dashboard: its HTML from the demo store, the Voilà widget's filters and errors, the
notebook, and the page in a real Chromium in both languages."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from eightd import services
from eightd.analytics import Filters
from eightd.analytics.dashboard import DashboardWidget, dashboard_html
from eightd.application import Application
from eightd.cli import main
from eightd.demo import demo_cases
from eightd.settings import Settings
from eightd.store import Store
from tests.conftest import CST

NOW = datetime(2026, 11, 30, 12, tzinfo=CST)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def application(store: Store, store_url: str) -> Application:
    with store.uow() as uow:
        services.import_cases(uow, demo_cases(date(2026, 11, 30)), user="tester", now=NOW)
    settings = Settings.from_env(database_url=store_url, user="tester", lang="en")
    return Application(settings, store=store, now=lambda: NOW)


def test_dashboard_shows_kpis_paretos_trend_overdue_and_escalations(
    application: Application,
) -> None:
    page = dashboard_html(application, lang="en")
    for text in (
        "Complaint dashboard",
        "On-time handling rate",
        "Pareto by Complaint category",
        "Pareto by 5M1E category",
        "Pareto by Product",
        "Pareto by Customer",
        "Complaints per month",
        "Overdue cases",
        "Escalations",
    ):
        assert text in page, text
    assert page.count("<svg") == 5
    assert "202611-0001" in page  # overdue in the demo
    zh = dashboard_html(application, lang="zh")
    assert "投诉统计看板" in zh and "按5M1E 类别的柏拉图" in zh and "升级投诉" in zh


def test_dashboard_text_from_the_data_is_escaped(application: Application) -> None:
    with application.store.uow() as uow:

        def hostile(case: object) -> None:
            case.intake.customer_name = "<script>alert(1)</script>"  # type: ignore[attr-defined]

        services.update_case(uow, "202611-0001", hostile, user="qe", action="edit", now=NOW)
    page = dashboard_html(application, lang="en")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_widget_filters_by_period_customer_and_product_and_shows_errors(
    application: Application,
) -> None:
    widget = DashboardWidget(application, lang="en", at=NOW)
    assert "Complaint dashboard" in widget.body.value
    widget.start.value, widget.end.value = "2026-11-01", "2026-11-30"
    widget.apply.click()
    assert "Received 2026-11-01 to 2026-11-30" in widget.body.value
    assert widget.filters() == Filters(
        start=datetime(2026, 11, 1, tzinfo=application.policy.tz),
        end=datetime(2026, 12, 1, tzinfo=application.policy.tz),
    )
    widget.product.value = "EY-FR-2217"
    widget.apply.click()
    assert "product EY-FR-2217" in widget.body.value
    widget.lang.value = "zh"
    assert "投诉统计看板" in widget.body.value and widget.apply.description == "查询"
    widget.start.value = "2026-13-01"
    widget.apply.click()
    assert "from" in widget.message.value and "YYYY-MM-DD" in widget.message.value


def test_the_dashboard_notebook_is_a_thin_workbench_page(application: Application) -> None:
    notebook = json.loads((ROOT / "notebooks" / "dashboard.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in notebook["cells"])
    assert "eightd.ui.page('dashboard'" in code and len(notebook["cells"]) == 2
    import ipywidgets as widgets

    import eightd.ui

    page = eightd.ui.page("dashboard", "lang=zh", app=application)

    def texts(widget: widgets.Widget) -> list[str]:
        own = [widget.value] if isinstance(widget, widgets.HTML) else []
        children = getattr(widget, "children", ())
        return own + [t for child in children for t in texts(child)]

    shown = "\n".join(texts(page))
    assert "统计看板" in shown  # the workbench's header, with the dashboard in its navigation
    assert "柏拉图" in shown and "每月投诉数量" in shown  # the Pareto charts and the trend


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_page_in_a_real_browser(
    application: Application, store_url: str, tmp_path: Path, lang: str
) -> None:
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium not installed; CI must run the browser tests")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / f"dashboard-{lang}.html"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(
            [
                "--db",
                store_url,
                "--lang",
                lang,
                "dashboard",
                "--at",
                NOW.isoformat(),
                "-o",
                str(page_file),
            ]
        )
    assert code == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 1500})
        page.goto(page_file.as_uri())
        heading = page.locator("h2").inner_text()
        assert heading == ("投诉统计看板" if lang == "zh" else "Complaint dashboard")
        assert page.locator("svg").count() == 5
        assert page.locator("svg rect").count() > 10
        # the page is text a user can search and copy, not a picture
        assert "202611-0001" in page.locator("table").first.inner_text()
        box = page.locator("svg").first.bounding_box()
        assert box is not None and box["width"] > 300
        # the README's pictures come from the workbench: tests/browser/test_dashboard_page.py
        browser.close()
