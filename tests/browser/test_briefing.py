"""Resolution tracking in a real browser: an administrator adds a paragraph, an officer
records a status on it, and the briefing shows it; the forms, the resolution's page and the
briefing pass axe at a phone's width and a desktop's with nothing wider than the screen; in
print the briefing is the document alone (no menus, no buttons, no form)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from registry.models import Role
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

WIDTHS = [375, 1280]
RES6 = "/frameworks/HSP/HA.2/RES.6"


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def people(app: Flask, framework_items, make_user):
    """The fixture's resolution (HSP/HA.2/RES.6 with OP2 and OP9), a second one from 2019,
    an administrator and an officer."""
    from registry.frameworks.services import import_resolution

    with app.app_context():
        import_resolution("HSP/HA.1/RES.1", 2019, "Strategic plan for the period 2020-2023", [])
        db.session.commit()
    return {"admin": make_user(Role.ADMIN), "officer": make_user(Role.OFFICER)}


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")


def test_add_a_paragraph_record_a_status_and_read_the_briefing(screen: Page, people) -> None:
    width = screen.viewport_size["width"]

    ui_login(screen, "", people["admin"].email, PASSWORD)
    screen.goto(RES6)
    screen.get_by_role("link", name="Add a paragraph").click()
    check_a11y(screen)
    fits(screen)
    screen.get_by_label("Paragraph", exact=True).fill("OP2(a)")
    screen.get_by_label("Part of (optional)").select_option(label="OP2")
    screen.get_by_label("Text").fill("Requests the Executive Director to develop tools")
    screen.get_by_role("button", name="Save").click()
    expect(screen.get_by_text("OP2(a) is added.")).to_be_visible()
    expect(screen.locator("#manage-title")).to_be_visible()
    log_out(screen)

    ui_login(screen, "", people["officer"].email, PASSWORD)
    screen.goto(RES6)
    screen.get_by_role("link", name="Record implementation").click()
    screen.get_by_role("radio", name="Planned").check()
    screen.get_by_label("For which period (needed when planned)").fill("someday")
    screen.get_by_label("What was done, is under way or is planned").fill(
        "Design and develop the **web page** on resolution tracking"
    )
    screen.get_by_role("checkbox", name="OP2(a)").check()
    screen.get_by_role("checkbox", name="OP9").check()
    screen.get_by_role("button", name="Save").click()
    expect(screen.locator(".error-summary")).to_contain_text("is not a period we can read")
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"status-form-refused-{width}.png")
    screen.get_by_label("For which period (needed when planned)").fill("2024-25")
    screen.get_by_role("button", name="Save").click()
    expect(screen.get_by_text("The line is recorded.")).to_be_visible()
    expect(screen.locator(".impl-line").first).to_contain_text("Planned · 2024-25")
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"tracking-{width}.png")
    log_out(screen)

    screen.goto("/frameworks/briefing")
    screen.get_by_label("HSP/HA.2/RES.6").check()
    screen.get_by_label("HSP/HA.1/RES.1").check()
    screen.get_by_role("button", name="Show the briefing").click()
    sections = screen.locator(".briefing-resolution")
    expect(sections).to_have_count(2)
    expect(sections.nth(1).locator("li")).to_have_text(
        "2024-25: Design and develop the web page on resolution tracking (OP2a, OP9)"
    )
    expect(sections.nth(1).locator("strong")).to_have_text("web page")
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"briefing-{width}.png")

    screen.emulate_media(media="print")
    expect(screen.locator(".site-header")).to_be_hidden()
    expect(screen.locator(".site-footer")).to_be_hidden()
    expect(screen.get_by_role("link", name="Download as Word")).to_be_hidden()
    expect(screen.locator("form.briefing-choose")).to_be_hidden()
    expect(screen.get_by_role("heading", level=1)).to_be_visible()
    breaks = sections.evaluate_all("els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto", "page"]
    screenshot(screen, f"briefing-print-{width}.png")
    screen.emulate_media(media="screen")
