"""Partnerships in a real browser: an officer adds a partner through the htmx search and the
partner list updates in place; a community member asks to join; the request waits in the
officer's review queue; the officer confirms and the member is mailed. Then the same with
JavaScript off, as plain forms."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from registry.extensions import db
from registry.models import (
    Initiative,
    InitiativeKind,
    Membership,
    Partnership,
    Role,
)
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

PARTNER = "Organisation for Economic Co-operation and Development"
MEMBER_ORG = "Nakuru Youth Action Network"


@pytest.fixture
def registry(app: Flask, make_user, make_stakeholder):
    """An initiative, an officer, a member of an approved organization, and a partner to be."""
    make_stakeholder(PARTNER, acronym="OECD")
    org = make_stakeholder(MEMBER_ORG, sector_code="grassroots")
    officer = make_user(Role.OFFICER, email="officer@example.org")
    member = make_user(Role.COMMUNITY, email="member@example.org", name="Mercy Member")
    with app.app_context():
        db.session.add(Membership(user_id=member.id, stakeholder_id=org.id))
        initiative = Initiative(
            title="National Urban Policy Programme",
            kind=InitiativeKind.PROGRAMME,
            starts_on=date(2016, 1, 1),
        )
        db.session.add(initiative)
        db.session.commit()
        return {"id": initiative.id, "officer": officer, "member": member}


def statuses(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(Partnership).order_by(Partnership.id))
        return [(p.stakeholder.name, p.status.value) for p in rows]


def ask_to_join(page: Page, registry, js: bool) -> None:
    ui_login(page, "", registry["member"].email, PASSWORD)
    page.goto(f"/initiatives/{registry['id']}")
    if js:
        check_a11y(page)
    page.get_by_label("On behalf of").select_option(label=MEMBER_ORG)
    page.get_by_label("Role you propose").select_option("participant")
    page.get_by_label("What would your organization bring? (optional)").fill("Youth mapping")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.locator("#messages")).to_contain_text("Your request")
    expect(page.locator("main")).to_contain_text("waiting for the staff's decision")


def test_an_officer_adds_a_partner_in_place_and_confirms_a_request(
    app: Flask, page: Page, registry, live_inbox
) -> None:
    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto(f"/initiatives/{registry['id']}")
    check_a11y(page)
    start_url = page.url
    page.get_by_label("Organization", exact=True).fill("Economic Co")
    option = page.get_by_label(PARTNER)
    expect(option).to_be_visible()  # the htmx search found it
    option.check()
    page.get_by_label("Role", exact=True).select_option("co_lead")
    page.get_by_role("button", name="Add the partner").click()
    partners = page.locator("#partners")
    expect(partners).to_contain_text("added as co-lead")
    expect(partners.get_by_role("link", name=PARTNER, exact=True)).to_be_visible()
    assert page.url == start_url  # updated in place, not reloaded
    # Focus is back in the search box, ready for the next partner.
    expect(page.get_by_label("Organization", exact=True)).to_be_focused()
    check_a11y(page)

    # Change the role in place: focus goes into the row's form, then back to its link.
    page.get_by_role("link", name=f"Change {PARTNER}").click()
    role = page.locator(".inline-edit select").first
    expect(role).to_be_focused()
    role.select_option("technical")
    page.locator(".inline-edit").get_by_role("button", name="Save").click()
    expect(partners).to_contain_text("Technical or knowledge partner")
    expect(page.get_by_role("link", name=f"Change {PARTNER}")).to_be_focused()
    screenshot(page, "initiative-page.png")
    page.context.clear_cookies()

    ask_to_join(page, registry, js=True)
    page.context.clear_cookies()

    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto("/review/")
    check_a11y(page)
    expect(page.locator("main")).to_contain_text("Request to join an initiative")
    expect(page.locator("main")).to_contain_text(MEMBER_ORG)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("is now a partner")
    assert statuses(app) == [(PARTNER, "active"), (MEMBER_ORG, "active")]
    mail = [m for m in live_inbox if m["To"] == registry["member"].email]
    assert mail
    assert "Partnership confirmed" in mail[0]["Subject"]


def test_the_same_without_javascript(app: Flask, page_nojs: Page, registry, live_inbox) -> None:
    page = page_nojs
    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto(f"/initiatives/{registry['id']}")
    page.get_by_label("Organization", exact=True).fill("Economic Co")
    page.get_by_label("Role", exact=True).select_option("funding")
    page.get_by_role("button", name="Add the partner").click()
    # Without htmx the form comes back with the organizations found, to choose one.
    expect(page.locator(".error-summary")).to_contain_text("Choose the organization")
    page.get_by_label(PARTNER).check()
    page.get_by_role("button", name="Add the partner").click()
    expect(page.locator("#messages")).to_contain_text("added as funding partner")
    page.context.clear_cookies()

    ask_to_join(page, registry, js=False)
    page.context.clear_cookies()

    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto("/review/")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("main")).to_contain_text("Say why")
    page.get_by_label("Comment").fill("Please ask the lead first")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("#messages")).to_contain_text("Declined by you")
    assert statuses(app) == [(PARTNER, "active"), (MEMBER_ORG, "declined")]
    mail = [m for m in live_inbox if m["To"] == registry["member"].email]
    assert mail
    assert "declined" in mail[0]["Subject"]


@pytest.fixture(params=[375, 1280], ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def test_the_list_the_page_and_the_forms_fit_and_pass_axe(
    app: Flask, screen: Page, registry, make_partnership, make_stakeholder
) -> None:
    width = screen.viewport_size["width"]
    with app.app_context():
        initiative = db.session.get(Initiative, registry["id"])
    make_partnership(initiative, make_stakeholder("UN-Habitat", sector_code="un_system"))
    screen.goto("/initiatives/")
    fits(screen)
    screen.get_by_role("link", name="National Urban Policy Programme").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("National Urban Policy Programme")
    fits(screen)
    screenshot(screen, f"initiative-public-{width}.png")

    ui_login(screen, "", registry["officer"].email, PASSWORD)
    for path in (
        f"/initiatives/{registry['id']}",
        "/initiatives/new",
        f"/initiatives/{registry['id']}/edit",
    ):
        screen.goto(path)
        fits(screen)
    screen.get_by_role("button", name="Save the changes").click()  # an unchanged edit
    expect(screen.locator("#messages")).to_contain_text("saved")


def test_the_plain_pages_for_partners_and_linked_initiatives_fit_and_pass_axe(
    app: Flask, screen: Page, registry, make_partnership, make_stakeholder, make_engagement
) -> None:
    """The pages a browser without JavaScript reaches: change and end a partnership, and the
    initiatives an engagement served (with the matches a typed title offers)."""
    with app.app_context():
        initiative = db.session.get(Initiative, registry["id"])
    partnership_id = make_partnership(initiative, make_stakeholder("Cities Alliance"))
    engagement_id = make_engagement("Second International Conference on National Urban Policy")
    ui_login(screen, "", registry["officer"].email, PASSWORD)
    base = f"/initiatives/{registry['id']}/partners/{partnership_id}"
    for path in (f"{base}/edit", f"{base}/end"):
        screen.goto(path)
        fits(screen)
    screen.goto(f"/engagements/{engagement_id}/initiatives")
    fits(screen)
    screen.get_by_label("Initiative", exact=True).fill("Urban Policy")
    screen.get_by_role("button", name="Add").click()
    screen.get_by_label("National Urban Policy Programme").check()
    fits(screen)
    screen.get_by_role("button", name="Add").click()
    expect(screen.locator("#messages")).to_contain_text("is now listed")
    fits(screen)
