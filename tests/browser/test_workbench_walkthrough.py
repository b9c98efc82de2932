"""A complaint worked from intake to approved closure in the browser alone, as the quality
engineer and then as the approver (a real `eightd serve`, Chromium via Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

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
from tests.browser.conftest import APPROVER, QE, Workbench

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.kernel]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
TIMEOUT = 60_000


def en(member: object) -> str:
    return label(member, "en")


def fill(page: Page, scope: str, name: str, value: str) -> None:
    field = page.locator(f"{scope} .ed-field-{name}").first
    field.locator("input, textarea").first.fill(value)


def choose(page: Page, scope: str, name: str, option: str | list[str]) -> None:
    page.locator(f"{scope} .ed-field-{name} select").first.select_option(label=option)


def version(page: Page) -> int:
    return int(page.locator(".ed-case-title").get_attribute("data-version") or "0")


def save(page: Page, button: str) -> None:
    """Click a save button and wait until the page shows the case saved one version later."""
    before = version(page)
    page.locator(button).first.click()
    page.wait_for_selector(f'.ed-case-title[data-version="{before + 1}"]', timeout=TIMEOUT)


def visit(page: Page, url: str, ready: str) -> None:
    """Open a workbench page and wait until its widgets are drawn (not for the load event:
    Voilà's page keeps loading optional resources that an offline machine never gets)."""
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT)
    page.wait_for_selector(ready, timeout=TIMEOUT)


def open_stage(page: Page, stage: str) -> None:
    page.locator(f".ed-step-{stage} button").click()
    page.wait_for_selector(f".ed-panel-{stage}", timeout=TIMEOUT)


def test_a_complaint_is_worked_from_intake_to_approved_closure_in_the_browser(
    workbench: Workbench, page: Page
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # intake: a first try with nothing entered names every missing field at once
    visit(page, workbench.page_url("new", lang="en", user=QE), ".ed-save-intake")
    page.locator(".ed-save-intake").click()
    expect(page.locator(".ed-field-customer_name .ed-error")).to_contain_text(
        "required", timeout=TIMEOUT
    )
    for name in ("received_at", "product_number", "ship_date", "found_at", "defect_count"):
        expect(page.locator(f".ed-field-{name} .ed-error")).not_to_be_empty()
    expect(page.locator(".ed-feedback")).to_contain_text("nothing was saved")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(IMAGES / "workbench-intake-error-en.png"))

    fill(page, "", "title", "J3 cold solder joints")
    fill(page, "", "received_at", "2026-11-20 09:30")
    fill(page, "", "customer_name", "Huaxin Auto Parts")
    fill(page, "", "product_number", "PCB-7731")
    fill(page, "", "defect_description", "Cold solder joints on J3 <b>connector</b>")
    fill(page, "", "ship_date", "2026-11-02")
    fill(page, "", "shipped_quantity", "5000")
    fill(page, "", "lot_size", "5000")
    fill(page, "", "defect_count", "37")
    choose(page, "", "found_at", en(FoundAt.CUSTOMER_LINE))
    page.locator(".ed-field-line_stop input").check()
    expect(page.locator(".ed-suggested")).to_contain_text(en(Severity.SERIOUS), timeout=TIMEOUT)
    page.locator(".ed-save-intake").click()
    href = page.locator(".ed-open-case").get_attribute("href", timeout=TIMEOUT)
    visit(page, f"{workbench.url}/voila/render/{href}", ".ed-panel-D0")
    number = page.locator(".ed-case-title").inner_text().split(" ")[0]
    assert number.startswith("202611-")
    expect(page.locator(".ed-panel-D0")).to_contain_text("<b>connector</b>")

    # D0: founded, graded, then D1 refused while the team lacks its roles
    page.locator(".ed-input-validity select").select_option(label=en(Validity.FOUNDED))
    page.locator(".ed-input-validity-note textarea").fill("confirmed on 5 returned boards")
    save(page, ".ed-btn-validity")
    save(page, ".ed-btn-grade")
    save(page, ".ed-btn-advance")
    page.locator(".ed-btn-advance").click()
    expect(page.locator(".ed-feedback")).to_contain_text("leader", timeout=TIMEOUT)

    for name, role in [
        ("Li Na", TeamRole.LEADER),
        ("Zhou Bo", TeamRole.SALES),
        ("Wu Lei", TeamRole.QUALITY),
    ]:
        fill(page, ".ed-editor-team", "name", name)
        choose(page, ".ed-editor-team", "role", en(role))
        save(page, ".ed-save-team")
    save(page, ".ed-btn-advance")

    # D2
    fill(page, ".ed-panel-D2", "what", "Cold solder joints on J3, connector loose")
    fill(page, ".ed-panel-D2", "how_many", "37 of 5000 (7400 ppm)")
    save(page, ".ed-btn-problem")
    save(page, ".ed-btn-advance")

    # D3
    fill(page, ".ed-editor-containment", "description", "Sort finished stock of lot 2610A by X-ray")
    fill(page, ".ed-editor-containment", "owner", "Wu Lei")
    fill(page, ".ed-editor-containment", "quantity_checked", "1200")
    fill(page, ".ed-editor-containment", "quantity_bad", "9")
    fill(page, ".ed-editor-containment", "effectiveness", "9 rejects found, none shipped since")
    save(page, ".ed-save-containment")
    save(page, ".ed-btn-advance")

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
        fill(page, ".ed-editor-cause", "text", text)
        choose(page, ".ed-editor-cause", "category", en(bone))
        choose(page, ".ed-editor-cause", "type", en(kind))
        choose(page, ".ed-editor-cause", "status", en(CauseStatus.VERIFIED))
        fill(page, ".ed-editor-cause", "evidence", evidence)
        if whys:
            fill(page, ".ed-editor-cause", "whys", whys)
        save(page, ".ed-save-cause")
    expect(page.locator(".ed-fishbone svg")).to_contain_text("Reflow peak")
    expect(page.locator(".ed-five-whys svg")).to_contain_text("Peak too low")
    save(page, ".ed-btn-advance")

    # D5: one action per verified cause, with owner and due date
    for text, cause in [("Drift alarm on zone 7 heater", "C1"), ("Add J3 pins to AOI", "C2")]:
        fill(page, ".ed-editor-action", "text", text)
        select = page.locator(".ed-editor-action .ed-field-cause_ids select")
        texts = select.locator("option").all_inner_texts()
        select.select_option(label=[o for o in texts if o.startswith(cause)])
        fill(page, ".ed-editor-action", "owner", "Chen Gang")
        fill(page, ".ed-editor-action", "due", "2026-11-30")
        save(page, ".ed-save-action")
    save(page, ".ed-btn-advance")

    # D6
    options = page.locator(".ed-editor-verification .ed-field-action_ids option").all_inner_texts()
    page.locator(".ed-editor-verification .ed-field-action_ids select").select_option(label=options)
    fill(page, ".ed-editor-verification", "verified_by", "Wu Lei")
    fill(page, ".ed-editor-verification", "metric", "ppm")
    fill(page, ".ed-editor-verification", "before_value", "7400")
    fill(page, ".ed-editor-verification", "after_value", "0")
    fill(page, ".ed-editor-verification", "evidence", "3 lots, 0 defects at ICT")
    save(page, ".ed-save-verification")
    page.locator(".ed-input-containment-removed input").fill("2026-11-20")
    save(page, ".ed-btn-containment-removed")
    save(page, ".ed-btn-advance")

    # D7
    fill(page, ".ed-editor-standard", "document_id", "PFMEA-SMT-07")
    fill(page, ".ed-editor-standard", "old_revision", "C")
    fill(page, ".ed-editor-standard", "new_revision", "D")
    save(page, ".ed-save-standard")
    save(page, ".ed-btn-advance")

    # D8: the QE may not sign; the approver signs; the customer agrees; the case closes
    expect(page.locator(".ed-btn-approve")).to_be_disabled()
    expect(page.locator(".ed-approver-only")).to_contain_text("approver")
    visit(page, workbench.page_url("case", number=number, lang="en", user=APPROVER), ".ed-panel-D8")
    save(page, ".ed-btn-approve")
    expect(page.locator(".ed-panel-D8")).to_contain_text("approved")
    choose(page, ".ed-editor-callback", "outcome", en(CallbackOutcome.SATISFIED))
    fill(page, ".ed-editor-callback", "note", "customer accepts the 8D")
    save(page, ".ed-save-callback")
    save(page, ".ed-btn-close")
    expect(page.locator(".ed-closed")).to_contain_text(APPROVER)
    open_stage(page, "D4")
    expect(page.locator(".ed-fishbone svg")).to_be_visible()

    # the ledger lists it closed, and the audit history names both people
    visit(page, workbench.page_url("ledger", lang="en", user=QE), "table.ed-ledger-table")
    page.locator(".ed-toolbar select").first.select_option(label="closed")
    expect(page.locator(f'tr[data-number="{number}"]')).to_contain_text("closed", timeout=TIMEOUT)
    assert dialogs == []
