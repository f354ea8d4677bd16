"""The whole path of a new organization, in a real browser: a community user registers it and
a contact person and submits it; an administrator approves it inline from the review queue; an
anonymous visitor finds it by typing part of its name. The contact's email is never public."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from registry.models import Role, Stakeholder, Status
from tests.browser.conftest import check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

ORG = "Kisumu Lakeside Youth Collective"
PRIVATE_EMAIL = "amina.private@example.org"
OTHER = "Nairobi Women's Network"


def register_and_submit(page: Page, email: str) -> None:
    ui_login(page, "", email, PASSWORD)
    page.goto("/stakeholders/new")
    check_a11y(page)
    page.get_by_label("Name of the organization").fill(ORG)
    page.get_by_label("Sector").select_option("grassroots")
    page.get_by_label("Children and youth").check()
    page.get_by_label("Local", exact=True).check()
    page.get_by_label("City or locality (optional)").fill("Kisumu")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG)
    check_a11y(page)

    page.get_by_role("link", name="Add a contact person").click()
    check_a11y(page)
    page.get_by_label("Full name").fill("Amina Odhiambo")
    page.get_by_label("Email address (optional)").fill(PRIVATE_EMAIL)
    page.get_by_label("Date the person agreed to be listed").fill("2026-03-01")
    page.get_by_role("button", name="Save contact person").click()
    expect(page.locator("main")).to_contain_text(PRIVATE_EMAIL)  # members see their contacts

    page.get_by_role("link", name="Check and submit for review").click()
    check_a11y(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#messages")).to_contain_text("review")


def approve_inline(page: Page, email: str) -> None:
    ui_login(page, "", email, PASSWORD)
    page.goto("/review/")
    check_a11y(page)
    screenshot(page, "review-queue-path.png")
    start_url = page.url
    page.get_by_role("button", name=f"Approve {ORG}").click()
    # The row replaces itself with the outcome; the page itself does not change.
    expect(page.locator("main")).to_contain_text("Approved")
    expect(page.get_by_role("button", name=f"Approve {ORG}")).to_have_count(0)
    assert page.url == start_url
    check_a11y(page)


def find_as_visitor(page: Page) -> None:
    page.goto("/stakeholders/")
    check_a11y(page)
    expect(page.locator("#results").get_by_role("link", name=OTHER)).to_be_visible()
    page.get_by_label("Name or acronym").fill("lakeside")
    results = page.locator("#results")
    # The list narrows as you type, and the filtered view lands in the address bar.
    expect(results.get_by_role("link", name=OTHER)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=lakeside"))
    link = results.get_by_role("link", name=ORG)
    expect(link).to_be_visible()
    screenshot(page, "stakeholders-search.png")
    assert PRIVATE_EMAIL not in page.content()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG)
    check_a11y(page)
    assert PRIVATE_EMAIL not in page.content()
    assert "Amina Odhiambo" not in page.content()
    page.goto("/")
    assert PRIVATE_EMAIL not in page.content()


def test_register_submit_approve_and_find(
    app: Flask, browser: Browser, live_server: str, page: Page, make_user, make_stakeholder
) -> None:
    make_stakeholder(name=OTHER, sector_code="civil_society")
    community = make_user(Role.COMMUNITY, email="member@example.org")
    admin = make_user(Role.ADMIN, email="boss@example.org")

    register_and_submit(page, community.email)
    page.context.clear_cookies()
    approve_inline(page, admin.email)
    page.context.clear_cookies()
    find_as_visitor(page)

    with app.app_context():
        stakeholder = db.session.scalar(db.select(Stakeholder).where(Stakeholder.name == ORG))
        assert stakeholder.status == Status.APPROVED
