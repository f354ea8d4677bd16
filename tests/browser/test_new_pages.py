"""The pages added for issue 9, in a real browser at a phone's width and a desktop's: the
archive's second step and the restore, discarding a draft, staff's entries in progress, the
account page and the decision on a submitted entry's own page. axe on each; nothing wider
than the screen."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from registry.models import Membership, Review, Role, Stakeholder, Status
from tests.browser.conftest import _new_page, check_a11y, ui_login
from tests.conftest import PASSWORD

WIDTHS = [375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def status_of(app: Flask, stakeholder_id: int) -> Status | None:
    with app.app_context():
        found = db.session.get(Stakeholder, stakeholder_id)
        return found.status if found else None


def test_archive_in_two_steps_then_restore(
    screen: Page, live_server: str, app: Flask, make_user, make_stakeholder
) -> None:
    admin = make_user(Role.ADMIN)
    entry = make_stakeholder("Lakeside Savings Group")
    ui_login(screen, live_server, admin.email, PASSWORD)
    screen.goto(f"/stakeholders/{entry.id}")
    screen.get_by_role("link", name="Archive… Lakeside Savings Group").click()
    expect(screen.get_by_role("heading", name="Archive “Lakeside Savings Group”?")).to_be_visible()
    fits(screen)
    screen.get_by_label("Why (optional, kept in its history)").fill("Closed in 2026")
    screen.get_by_role("button", name="Archive “Lakeside Savings Group”").click()
    expect(screen.get_by_text("is archived. It is no longer public")).to_be_visible()
    assert status_of(app, entry.id) == Status.ARCHIVED
    fits(screen)
    screen.get_by_role("button", name="Restore Lakeside Savings Group").click()
    expect(screen.get_by_text("is restored")).to_be_visible()
    assert status_of(app, entry.id) == Status.APPROVED
    fits(screen)


def test_a_member_discards_a_draft(
    screen: Page, live_server: str, app: Flask, make_user, make_stakeholder
) -> None:
    member = make_user()
    draft = make_stakeholder("Unsent Draft Group", status=Status.DRAFT)
    with app.app_context():
        db.session.add(Membership(user_id=member.id, stakeholder_id=draft.id))
        db.session.commit()
    ui_login(screen, live_server, member.email, PASSWORD)
    screen.goto(f"/stakeholders/{draft.id}")
    screen.get_by_role("link", name="Discard this draft…").click()
    expect(screen.get_by_text("This cannot be undone.")).to_be_visible()
    fits(screen)
    screen.get_by_role("button", name="Discard “Unsent Draft Group”").click()
    expect(screen.get_by_text("The draft “Unsent Draft Group” is discarded.")).to_be_visible()
    assert status_of(app, draft.id) is None
    fits(screen)


def test_staff_find_work_in_progress_and_decide_on_the_entry_page(
    screen: Page, live_server: str, app: Flask, make_user, make_stakeholder
) -> None:
    admin = make_user(Role.ADMIN)
    waiting = make_stakeholder("Waiting Youth Forum", status=Status.SUBMITTED)
    make_stakeholder("Quiet Draft Network", status=Status.DRAFT)
    with app.app_context():
        db.session.add(
            Review(
                entry_type="stakeholder",
                entry_id=waiting.id,
                from_status="draft",
                to_status="submitted",
                reviewer_id=admin.id,
            )
        )
        db.session.commit()
    ui_login(screen, live_server, admin.email, PASSWORD)
    screen.get_by_role("link", name="In progress").click()
    expect(screen.get_by_text("2 entries in progress match.")).to_be_visible()
    fits(screen)
    screen.get_by_label("State").select_option("submitted")
    screen.get_by_role("button", name="Show").click()
    expect(screen.get_by_text("1 entry in progress matches.")).to_be_visible()
    screen.get_by_role("link", name="Waiting Youth Forum").click()
    expect(screen.get_by_role("heading", name="Your decision")).to_be_visible()
    fits(screen)
    screen.get_by_role("button", name="Approve Waiting Youth Forum").click()
    expect(screen.get_by_text("“Waiting Youth Forum”:")).to_be_visible()
    assert status_of(app, waiting.id) == Status.APPROVED


def test_the_account_page(screen: Page, live_server: str, make_user) -> None:
    user = make_user()
    ui_login(screen, live_server, user.email, PASSWORD)
    screen.get_by_role("link", name="Your account").click()
    expect(screen.get_by_role("heading", name="Where you are logged in")).to_be_visible()
    expect(screen.get_by_text("This device")).to_be_visible()
    fits(screen)
    screen.get_by_label("Current password").fill("not it at all")
    screen.get_by_label("New password").fill("river lantern cobalt")
    screen.get_by_label("Confirm password").fill("river lantern cobalt")
    screen.get_by_role("button", name="Change password").click()
    expect(screen.locator(".error-message")).to_contain_text("That is not your current password")
    fits(screen)
