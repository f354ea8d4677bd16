"""The pages that make the registry one people can trust, checked with axe in a real browser:
the home page, the about, privacy and accessibility pages, an entry as staff see it (contacts
and review history: landmarks that must be told apart) and every status badge."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from registry.extensions import db
from registry.models import Contact, Review, Role, Status
from tests.browser.conftest import check_a11y, ui_login
from tests.conftest import PASSWORD


def test_an_entry_with_contacts_and_review_history_passes_axe(
    app: Flask, page: Page, live_server: str, make_user, make_stakeholder
) -> None:
    admin = make_user(Role.ADMIN)
    stakeholder = make_stakeholder(name="Nakuru Women's Savings Circle", status=Status.SUBMITTED)
    with app.app_context():
        db.session.add_all(
            [
                Contact(
                    stakeholder_id=stakeholder.id,
                    name="Wanjiru Kamau",
                    email="wanjiru@example.org",
                    consent_at=datetime(2026, 3, 1, tzinfo=UTC),
                ),
                Review(
                    entry_type="stakeholder",
                    entry_id=stakeholder.id,
                    from_status="draft",
                    to_status="submitted",
                    reviewer_id=admin.id,
                ),
            ]
        )
        db.session.commit()
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto(f"/stakeholders/{stakeholder.id}")
    expect(page.get_by_role("region", name="Contact persons (not public)")).to_be_visible()
    expect(page.get_by_role("region", name="Review history")).to_be_visible()
    check_a11y(page)  # landmark-unique included (ALWAYS_FAIL)


def test_every_status_badge_meets_contrast(
    page: Page, live_server: str, make_user, make_stakeholder, make_membership
) -> None:
    member = make_user(Role.COMMUNITY)
    for status in Status:
        make_membership(
            member, make_stakeholder(name=f"Organization {status.value}", status=status)
        )
    ui_login(page, live_server, member.email, PASSWORD)
    page.goto("/stakeholders/mine")
    expect(page.locator(".status-badge")).to_have_count(len(Status))
    check_a11y(page)  # axe's color-contrast is a serious violation


def test_the_home_page_passes_axe_and_its_search_finds(page: Page, make_stakeholder) -> None:
    make_stakeholder(name="Kisumu Lakeside Youth Collective", sector_code="grassroots")
    make_stakeholder(name="Nairobi Women's Network")
    page.goto("/")
    expect(page.get_by_role("link", name="None yet — register one (Media)")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Find an organization by name or acronym").fill("lakeside")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/stakeholders/\?q=lakeside$"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Kisumu Lakeside Youth Collective")).to_be_visible()
    expect(results.get_by_role("link", name="Nairobi Women's Network")).to_have_count(0)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/about", "About the registry"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement"),
    ],
)
def test_the_pages_about_the_registry_pass_axe(page: Page, path: str, title: str) -> None:
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.url.endswith(path)
    check_a11y(page)


def test_the_home_page_works_from_the_keyboard(page: Page, make_stakeholder) -> None:
    make_stakeholder(name="Kisumu Lakeside Youth Collective")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the first control in the main content is the search box
    search = page.get_by_label("Find an organization by name or acronym")
    expect(search).to_be_focused()
    page.keyboard.type("lakeside")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/stakeholders/\?q=lakeside$"))
    link = page.locator("#results").get_by_role("link", name="Kisumu Lakeside Youth Collective")
    expect(link).to_be_visible()
