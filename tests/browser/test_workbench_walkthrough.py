"""A complaint worked from intake to approved closure in the browser alone, as the quality
engineer and then as the approver (a real `eightd serve`, Chromium via Playwright)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, Page, expect

from eightd.domain import (
    BoneCategory,
    CallbackOutcome,
    CauseStatus,
    CauseType,
    FoundAt,
    Severity,
    TeamRole,
    Validity,
)
from eightd.i18n import label
from tests.browser.conftest import APPROVER, Workbench, browse, new_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.kernel]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
TIMEOUT = 60_000


def refuse_dialogs(seen: list[str]) -> Callable[[Dialog], Awaitable[None]]:
    """A dialog handler that records and dismisses (an alert() here would be a defect)."""

    async def handler(dialog: Dialog) -> None:
        seen.append(dialog.message)
        await dialog.dismiss()

    return handler


def en(member: object) -> str:
    return label(member, "en")


async def fill(page: Page, scope: str, name: str, value: str) -> None:
    field = page.locator(f"{scope} .ed-field-{name}").first
    await field.locator("input, textarea").first.fill(value)


async def choose(page: Page, scope: str, name: str, option: str | list[str]) -> None:
    await page.locator(f"{scope} .ed-field-{name} select").first.select_option(label=option)


async def version(page: Page) -> int:
    return int(await page.locator(".ed-case-title").get_attribute("data-version") or "0")


async def save(page: Page, button: str) -> None:
    """Click a save button and wait until the page shows the case saved one version later."""
    before = await version(page)
    await page.locator(button).first.click()
    await page.wait_for_selector(f'.ed-case-title[data-version="{before + 1}"]', timeout=TIMEOUT)


async def visit(page: Page, url: str, ready: str) -> None:
    """Open a workbench page and wait until its widgets are drawn (not for the load event:
    Voilà's page keeps loading optional resources that an offline machine never gets)."""
    await page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT)
    await page.wait_for_selector(ready, timeout=TIMEOUT)


async def open_stage(page: Page, stage: str) -> None:
    await page.locator(f".ed-step-{stage} button").click()
    await page.wait_for_selector(f".ed-panel-{stage}", timeout=TIMEOUT)


def test_a_complaint_is_worked_from_intake_to_approved_closure_in_the_browser(
    workbench: Workbench, approver_workbench: Workbench
) -> None:
    async def scenario(browser: Browser) -> None:
        page = await new_page(browser)
        dialogs: list[str] = []
        page.on("dialog", refuse_dialogs(dialogs))

        # intake: a first try with nothing entered names every missing field at once
        await visit(page, workbench.page_url("new", lang="en"), ".ed-save-intake")
        await page.locator(".ed-save-intake").click()
        await expect(page.locator(".ed-field-customer_name .ed-error")).to_contain_text(
            "required", timeout=TIMEOUT
        )
        for name in ("received_at", "product_number", "ship_date", "found_at", "defect_count"):
            await expect(page.locator(f".ed-field-{name} .ed-error")).not_to_be_empty()
        await expect(page.locator(".ed-feedback")).to_contain_text("nothing was saved")
        await page.locator(".ed-header").scroll_into_view_if_needed()
        await page.screenshot(path=str(IMAGES / "workbench-intake-error-en.png"))

        await fill(page, "", "title", "J3 cold solder joints")
        await fill(page, "", "received_at", "2026-11-20 09:30")
        await fill(page, "", "customer_name", "Huaxin Auto Parts")
        await fill(page, "", "product_number", "PCB-7731")
        await fill(page, "", "defect_description", "Cold solder joints on J3 <b>connector</b>")
        await fill(page, "", "ship_date", "2026-11-02")
        await fill(page, "", "shipped_quantity", "5000")
        await fill(page, "", "lot_size", "5000")
        await fill(page, "", "defect_count", "37")
        await choose(page, "", "found_at", en(FoundAt.CUSTOMER_LINE))
        await page.locator(".ed-field-line_stop input").check()
        await expect(page.locator(".ed-suggested")).to_contain_text(
            en(Severity.SERIOUS), timeout=TIMEOUT
        )
        await page.locator(".ed-save-intake").click()
        href = await page.locator(".ed-open-case").get_attribute("href", timeout=TIMEOUT)
        await visit(page, f"{workbench.url}/voila/render/{href}", ".ed-panel-D0")
        number = (await page.locator(".ed-case-title").inner_text()).split(" ")[0]
        assert number.startswith("202611-")
        await expect(page.locator(".ed-panel-D0")).to_contain_text("<b>connector</b>")

        # D0: founded, graded, then D1 refused while the team lacks its roles
        await page.locator(".ed-input-validity select").select_option(label=en(Validity.FOUNDED))
        await page.locator(".ed-input-validity-note textarea").fill(
            "confirmed on 5 returned boards"
        )
        await save(page, ".ed-btn-validity")
        await save(page, ".ed-btn-grade")
        await save(page, ".ed-btn-advance")
        await page.locator(".ed-btn-advance").click()
        await expect(page.locator(".ed-feedback")).to_contain_text("leader", timeout=TIMEOUT)

        for name, role in [
            ("Li Na", TeamRole.LEADER),
            ("Zhou Bo", TeamRole.SALES),
            ("Wu Lei", TeamRole.QUALITY),
        ]:
            await fill(page, ".ed-editor-team", "name", name)
            await choose(page, ".ed-editor-team", "role", en(role))
            await save(page, ".ed-save-team")
        await save(page, ".ed-btn-advance")

        # D2
        await fill(page, ".ed-panel-D2", "what", "Cold solder joints on J3, connector loose")
        await fill(page, ".ed-panel-D2", "how_many", "37 of 5000 (7400 ppm)")
        await save(page, ".ed-btn-problem")
        await save(page, ".ed-btn-advance")

        # D3
        await fill(
            page,
            ".ed-editor-containment",
            "description",
            "Sort finished stock of lot 2610A by X-ray",
        )
        await fill(page, ".ed-editor-containment", "owner", "Wu Lei")
        await fill(page, ".ed-editor-containment", "quantity_checked", "1200")
        await fill(page, ".ed-editor-containment", "quantity_bad", "9")
        await fill(
            page, ".ed-editor-containment", "effectiveness", "9 rejects found, none shipped since"
        )
        await save(page, ".ed-save-containment")
        await save(page, ".ed-btn-advance")

        # D4: the fishbone is redrawn as causes are saved
        causes = [
            (
                "Reflow peak 228 °C, below the 235 °C minimum",
                BoneCategory.MACHINE,
                CauseType.OCCURRENCE,
                "Profile log; reproduced at 228 °C",
                "Joint cold\nPeak too low",
            ),
            (
                "AOI program does not inspect J3 pins",
                BoneCategory.MEASUREMENT,
                CauseType.ESCAPE,
                "AOI program v12 reviewed",
                "",
            ),
        ]
        for text, bone, kind, evidence, whys in causes:
            await fill(page, ".ed-editor-cause", "text", text)
            await choose(page, ".ed-editor-cause", "category", en(bone))
            await choose(page, ".ed-editor-cause", "type", en(kind))
            await choose(page, ".ed-editor-cause", "status", en(CauseStatus.VERIFIED))
            await fill(page, ".ed-editor-cause", "evidence", evidence)
            if whys:
                await fill(page, ".ed-editor-cause", "whys", whys)
            await save(page, ".ed-save-cause")
        await expect(page.locator(".ed-fishbone svg")).to_contain_text("Reflow peak")
        await expect(page.locator(".ed-five-whys svg")).to_contain_text("Peak too low")
        await save(page, ".ed-btn-advance")

        # D5: one action per verified cause, with owner and due date
        for text, cause in [("Drift alarm on zone 7 heater", "C1"), ("Add J3 pins to AOI", "C2")]:
            await fill(page, ".ed-editor-action", "text", text)
            select = page.locator(".ed-editor-action .ed-field-cause_ids select")
            texts = await select.locator("option").all_inner_texts()
            await select.select_option(label=[o for o in texts if o.startswith(cause)])
            await fill(page, ".ed-editor-action", "owner", "Chen Gang")
            await fill(page, ".ed-editor-action", "due", "2026-11-30")
            await save(page, ".ed-save-action")
        await save(page, ".ed-btn-advance")

        # D6
        options = await page.locator(
            ".ed-editor-verification .ed-field-action_ids option"
        ).all_inner_texts()
        await page.locator(".ed-editor-verification .ed-field-action_ids select").select_option(
            label=options
        )
        await fill(page, ".ed-editor-verification", "verified_by", "Wu Lei")
        await fill(page, ".ed-editor-verification", "metric", "ppm")
        await fill(page, ".ed-editor-verification", "before_value", "7400")
        await fill(page, ".ed-editor-verification", "after_value", "0")
        await fill(page, ".ed-editor-verification", "evidence", "3 lots, 0 defects at ICT")
        await save(page, ".ed-save-verification")
        await page.locator(".ed-input-containment-removed input").fill("2026-11-20")
        await save(page, ".ed-btn-containment-removed")
        await save(page, ".ed-btn-advance")

        # D7
        await fill(page, ".ed-editor-standard", "document_id", "PFMEA-SMT-07")
        await fill(page, ".ed-editor-standard", "old_revision", "C")
        await fill(page, ".ed-editor-standard", "new_revision", "D")
        await save(page, ".ed-save-standard")
        await save(page, ".ed-btn-advance")

        # D8: the QE may not sign; the approver signs; the customer agrees; the case closes
        await expect(page.locator(".ed-btn-approve")).to_be_disabled()
        await expect(page.locator(".ed-approver-only")).to_contain_text("approver")
        await visit(
            page,
            approver_workbench.page_url("case", number=number, lang="en"),
            ".ed-panel-D8",
        )
        await save(page, ".ed-btn-approve")
        await expect(page.locator(".ed-panel-D8")).to_contain_text("approved")
        await choose(page, ".ed-editor-callback", "outcome", en(CallbackOutcome.SATISFIED))
        await fill(page, ".ed-editor-callback", "note", "customer accepts the 8D")
        await save(page, ".ed-save-callback")
        await save(page, ".ed-btn-close")
        await expect(page.locator(".ed-closed")).to_contain_text(APPROVER)
        await open_stage(page, "D4")
        await expect(page.locator(".ed-fishbone svg")).to_be_visible()

        # the ledger lists it closed, and the audit history names both people
        await visit(page, workbench.page_url("ledger", lang="en"), "table.ed-ledger-table")
        await page.locator(".ed-toolbar select").first.select_option(label="closed")
        await expect(page.locator(f'tr[data-number="{number}"]')).to_contain_text(
            "closed", timeout=TIMEOUT
        )
        assert dialogs == []

    browse(scenario)
