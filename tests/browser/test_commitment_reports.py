"""Progress reports in a real browser: a member reports what a deliverable achieved and sees
the commitment's progress bar move; the report form (with its errors), the timeline with its
verify and hide controls, and the hide page fit at 375 and 1280 px and pass axe."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.commitments import services
from registry.extensions import db
from registry.models import Commitment, User
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD


@pytest.fixture
def pledge(make_commitment, approved) -> int:
    """A published commitment of Nakuru Youth Action Network (``member_user`` acts for it):
    one deliverable, from 10 to 80 cities."""
    return make_commitment(approved)


def test_a_member_reports_progress_and_the_bar_moves(page: Page, pledge, member_user) -> None:
    ui_login(page, "", member_user.email, PASSWORD)
    page.goto(f"/commitments/{pledge}")
    overall = page.get_by_role("progressbar").first
    expect(overall).to_have_attribute("value", "0")
    page.get_by_role("link", name="Report progress").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report progress on")
    page.get_by_label("What happened").fill("Forty-five cities now report on the framework.")
    page.get_by_label("Achieved so far (optional)").fill("45")
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator("#messages")).to_contain_text("Your progress report is published.")
    expect(overall).to_have_attribute("value", "50")  # (45 - 10) / (80 - 10)
    expect(page.locator(".timeline")).to_contain_text("Forty-five cities now report")
    expect(page.locator(".timeline")).to_contain_text("Self-reported")


def test_a_refused_value_is_said_beside_its_field(page: Page, pledge, member_user) -> None:
    ui_login(page, "", member_user.email, PASSWORD)
    page.goto(f"/commitments/{pledge}/reports/new")
    page.get_by_label("Achieved so far (optional)").fill("-3")
    page.get_by_label("Evidence link (optional)").fill("javascript:alert(1)")
    page.get_by_role("button", name="Publish the report").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The value cannot be negative")
    expect(summary).to_contain_text("Enter a web address starting with http:// or https://")
    expect(page.get_by_label("Achieved so far (optional)")).to_have_attribute(
        "aria-invalid", "true"
    )
    summary.get_by_role("link", name="The value cannot be negative").click()
    expect(page.get_by_label("Achieved so far (optional)")).to_be_focused()


@pytest.fixture(params=[375, 1280], ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def test_the_report_pages_fit_and_pass_axe(
    app: Flask, screen: Page, pledge, member_user, admin_user
) -> None:
    width = screen.viewport_size["width"]
    with app.app_context():
        commitment = db.session.get(Commitment, pledge)
        deliverable_id = commitment.deliverables[0].id
        report = services.add_report(
            commitment,
            {
                "narrative": "A long narrative " * 30,
                "evidence_url": "https://example.org/a/very/long/path/to/the/evidence/of/it",
                "covers_from": "2026-01-01",
                "updates": [{"deliverable_id": deliverable_id, "achieved": 45}],
            },
            db.session.get(User, member_user.id),
        )
        db.session.commit()
        report_id = report.id
    screen.goto(f"/commitments/{pledge}")
    fits(screen)

    ui_login(screen, "", member_user.email, PASSWORD)
    screen.goto(f"/commitments/{pledge}/reports/new")
    fits(screen)
    screen.get_by_role("button", name="Publish the report").click()  # nothing said: refused
    expect(screen.locator(".error-summary")).to_be_visible()
    fits(screen)
    screenshot(screen, f"commitment-report-form-{width}.png")
    screen.get_by_role("button", name="Log out").click()

    ui_login(screen, "", admin_user.email, PASSWORD)
    screen.goto(f"/commitments/{pledge}")
    screen.get_by_text("Verify this report").click()
    fits(screen)
    screen.get_by_role("link", name="Hide this report").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text("Hide the progress report")
    fits(screen)
    screen.get_by_role("button", name="Hide the report").click()  # no reason: refused
    expect(screen.locator(".error-summary")).to_contain_text("Say why the report is hidden")
    fits(screen)
    screen.get_by_label("Why is it hidden?").fill("The numbers belong to another pledge.")
    screen.get_by_role("button", name="Hide the report").click()
    expect(screen.locator("#messages")).to_contain_text("The report is hidden.")
    expect(screen.locator(f"#report-{report_id}")).to_contain_text("another pledge")
    fits(screen)
    screenshot(screen, f"commitment-reports-admin-{width}.png")
