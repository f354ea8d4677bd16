"""Reviewers keep their place: after an htmx swap the keyboard focus moves on sensibly, and
what happened is read out. Driven with the keyboard only (Tab, Shift+Tab, Enter)."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect

from registry.extensions import db
from registry.models import Review, Role, Status
from tests.browser.conftest import check_a11y, ui_login
from tests.conftest import PASSWORD

MAX_TABS = 80


def tab_to(page: Page, accessible_name: str) -> None:
    """Press Tab until the focused control's text is ``accessible_name`` (as a person would
    move through the page), failing if it never comes."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => document.activeElement.textContent.trim().replace(/\\s+/g, ' ')"
        )
        if text == accessible_name:
            return
    raise AssertionError(f"Tab never reached {accessible_name!r}")


def focused_text(page: Page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim().replace(/\\s+/g, ' ')")


def submitted(app: Flask, make_stakeholder, submitter, name: str):
    stakeholder = make_stakeholder(name=name, status=Status.SUBMITTED)
    with app.app_context():
        db.session.add(
            Review(
                entry_type="stakeholder",
                entry_id=stakeholder.id,
                from_status="draft",
                to_status="submitted",
                reviewer_id=submitter.id,
            )
        )
        db.session.commit()
    return stakeholder


def test_approving_in_the_queue_moves_focus_to_the_next_item(
    page: Page, live_server: str, app: Flask, make_user, make_stakeholder
) -> None:
    admin = make_user(Role.ADMIN)
    member = make_user(Role.COMMUNITY)
    submitted(app, make_stakeholder, member, "Alpha Youth Network")
    submitted(app, make_stakeholder, member, "Beta Women's Forum")
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto("/review/")
    check_a11y(page)

    tab_to(page, "Approve Alpha Youth Network")
    page.keyboard.press("Enter")

    # The first row now says what happened; the keyboard is on the next item's first button.
    expect(page.locator(".queue-item-done")).to_contain_text("Alpha Youth Network")
    expect(page.get_by_role("button", name="Approve Beta Women's Forum")).to_be_focused()
    expect(page.locator("#live-region")).to_contain_text("Approved")
    check_a11y(page)

    # The last one: focus stays on its outcome, not on <body>.
    page.keyboard.press("Enter")
    outcome = page.locator(".queue-item-done").nth(1).locator("[role=status]")
    expect(outcome).to_be_focused()
    # And the next Tab goes on from there, not back to the skip link.
    page.keyboard.press("Tab")
    assert focused_text(page) != "Skip to main content"


def test_a_refused_decision_puts_the_keyboard_in_the_comment(
    page: Page, live_server: str, app: Flask, make_user, make_stakeholder
) -> None:
    admin = make_user(Role.ADMIN)
    submitted(app, make_stakeholder, make_user(), "Gamma Settlement Group")
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto("/review/")
    tab_to(page, "Reject Gamma Settlement Group")
    page.keyboard.press("Enter")
    comment = page.get_by_label("Comment")
    expect(comment).to_be_focused()
    expect(page.locator("#live-region")).to_contain_text("a comment is required")
    page.keyboard.type("Not an urban organization.")
    tab_to(page, "Reject Gamma Settlement Group")
    page.keyboard.press("Enter")
    expect(page.locator(".queue-item-done")).to_contain_text("Gamma Settlement Group")


def test_changing_an_account_keeps_the_focus_in_its_row(
    page: Page, live_server: str, make_user
) -> None:
    admin = make_user(Role.ADMIN, name="Ada Admin")
    make_user(Role.COMMUNITY, name="Kofi Mensah")
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto("/admin/users/")

    tab_to(page, "Deactivate Kofi Mensah")
    page.keyboard.press("Enter")
    restore = page.get_by_role("button", name="Restore Kofi Mensah")
    expect(restore).to_be_focused()
    expect(page.locator("#live-region")).to_contain_text("Kofi Mensah can no longer log in.")
    check_a11y(page)

    # The role: choose with the keyboard, then the row's own button; focus stays on it.
    page.keyboard.press("Shift+Tab")  # from Restore back through the row to the role button
    page.keyboard.press("Shift+Tab")
    role = page.get_by_label("Role of Kofi Mensah")
    expect(role).to_be_focused()
    page.keyboard.press("ArrowDown")  # Community -> Partnership officer
    page.keyboard.press("Tab")
    row = page.locator("tr", has_text="Kofi Mensah")
    expect(row.get_by_role("button", name="Change role")).to_be_focused()
    page.keyboard.press("Enter")
    # Wait for the new row's own words (the live region still holds the previous message).
    expect(page.locator("#live-region")).to_contain_text("is now: Partnership officer")
    expect(row.get_by_role("button", name="Change role")).to_be_focused()
