"""Writing a commitment in a real browser: the SMART checklist turns complete as the parts are
filled, deliverables and a resource are added as rows in place, alignment is picked from what
the search finds; the pledge is submitted and approved; a member then changes a deliverable's
target and the administrator sees it in the revision's diff. Then the same with JavaScript
off, with the "add a row" and "find" buttons as plain submits."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from registry.extensions import db
from registry.models import Commitment, Membership, Revision, Role, Status
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

ORG = "Nakuru Youth Action Network"
TITLE = "80 cities apply the Global Urban Monitoring Framework"


@pytest.fixture
def registry(app: Flask, make_user, make_stakeholder, framework_items):
    org = make_stakeholder(ORG, sector_code="grassroots", country="KE")
    member = make_user(Role.COMMUNITY, email="member@example.org", name="Mercy Member")
    admin = make_user(Role.ADMIN, email="admin@example.org", name="Ada Admin")
    with app.app_context():
        db.session.add(Membership(user_id=member.id, stakeholder_id=org.id))
        db.session.commit()
    return {"org": org.id, "member": member, "admin": admin}


def score(page: Page):
    return page.locator("#smart-score")


def fill_deliverable(page: Page, row: int, title: str, target: str, due: str) -> None:
    card = page.locator(".row-card", has=page.locator(f"#deliverables-{row}-title"))
    card.get_by_label("Deliverable", exact=True).fill(title)
    card.get_by_label("Target", exact=True).fill(target)
    card.get_by_label("Due date").fill(due)


def saved(app: Flask) -> Commitment:
    with app.app_context():
        commitment = db.session.scalar(select(Commitment))
        for relationship in ("deliverables", "resources", "alignment"):
            getattr(commitment, relationship)
        db.session.expunge_all()
        return commitment


def approve_and_change_a_target(app: Flask, page: Page, registry) -> None:
    """The administrator approves; the member raises a target; the diff shows it."""
    page.context.clear_cookies()
    ui_login(page, "", registry["admin"].email, PASSWORD)
    page.goto("/review/")
    expect(page.locator("main")).to_contain_text("New commitment")
    expect(page.locator("main")).to_contain_text(TITLE)
    page.get_by_role("button", name="Approve").first.click()
    # With htmx the row says so in place; without, the queue comes back without it.
    expect(page.locator("main")).to_contain_text(
        re.compile("Approved by you|Nothing waits for a decision")
    )
    assert saved(app).status == Status.APPROVED

    page.context.clear_cookies()
    ui_login(page, "", registry["member"].email, PASSWORD)
    page.goto(f"/commitments/{saved(app).id}/edit")
    page.locator("#deliverables-0-target").fill("100")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("#messages")).to_contain_text("waiting for review")
    assert saved(app).deliverables[0].target == 80.0  # the public version stays

    page.context.clear_cookies()
    ui_login(page, "", registry["admin"].email, PASSWORD)
    with app.app_context():
        revision_id = db.session.scalar(select(Revision.id))
    page.goto(f"/review/revisions/{revision_id}")
    main = page.locator("main")
    expect(main).to_contain_text("Target: 80")
    expect(main).to_contain_text("Target: 100")
    screenshot(page, "commitment-revision-diff.png")


def test_a_member_writes_a_smart_commitment_with_htmx(app: Flask, page: Page, registry) -> None:
    ui_login(page, "", registry["member"].email, PASSWORD)
    page.goto(f"/stakeholders/{registry['org']}")
    page.get_by_role("link", name="Write a commitment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a commitment")
    expect(score(page)).to_contain_text("0 of 5 parts met")
    check_a11y(page)
    form_url = page.url

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description", exact=True).fill(
        "We train city officers to apply the framework and report on it, with the national "
        "statistics offices, in five regions."
    )
    expect(score(page)).to_contain_text("1 of 5 parts met")  # specific, announced politely
    expect(score(page)).to_have_attribute("role", "status")

    page.get_by_label("End date").fill("2028-12-31")
    fill_deliverable(page, 0, "Cities applying the framework", "80", "2028-06-30")
    expect(score(page)).to_contain_text("3 of 5 parts met")  # measurable and time-bound

    page.get_by_role("button", name="Add a deliverable").click()
    second = page.locator("#deliverables-1-title")
    expect(second).to_be_focused()  # focus goes to the new row
    fill_deliverable(page, 1, "Guides translated", "6", "2027-12-31")
    assert page.url == form_url  # added in place

    page.locator("#resources-0-kind").select_option("financial")
    page.locator("#resources-0-amount").fill("250000")
    page.locator("#resources-0-currency").select_option("USD")
    expect(score(page)).to_contain_text("4 of 5 parts met")

    page.get_by_label("Find an SDG target or a resolution paragraph").fill("11.3")
    item = page.get_by_label("SDG 11.3 By 2030, enhance inclusive and sustainable urbanization")
    expect(item).to_be_visible()
    item.check()
    expect(score(page)).to_contain_text("Complete: every part is met.")
    check_a11y(page)
    screenshot(page, "commitment-form.png")

    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("#messages")).to_contain_text("saved as a draft")
    commitment = saved(app)
    assert [d.title for d in commitment.deliverables] == [
        "Cities applying the framework",
        "Guides translated",
    ]
    assert [(r.amount, r.currency) for r in commitment.resources] == [(250000.0, "USD")]
    assert [i.code for i in commitment.alignment] == ["11.3"]
    check_a11y(page)

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#messages")).to_contain_text("submitted for review")
    assert saved(app).status == Status.SUBMITTED

    approve_and_change_a_target(app, page, registry)


def test_the_same_commitment_without_javascript(app: Flask, page_nojs: Page, registry) -> None:
    page = page_nojs
    ui_login(page, "", registry["member"].email, PASSWORD)
    page.goto(f"/commitments/new?stakeholder={registry['org']}")
    expect(score(page)).to_contain_text("0 of 5 parts met")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description", exact=True).fill(
        "We train city officers to apply the framework and report on it, with the national "
        "statistics offices, in five regions."
    )
    page.get_by_label("End date").fill("2028-12-31")
    fill_deliverable(page, 0, "Cities applying the framework", "80", "2028-06-30")

    page.get_by_role("button", name="Add a deliverable").click()  # a plain submit
    expect(page.locator("#deliverables-1-title")).to_be_focused()
    expect(page.locator("#deliverables-0-title")).to_have_value("Cities applying the framework")
    expect(score(page)).to_contain_text("3 of 5 parts met")  # checked on the server
    fill_deliverable(page, 1, "Guides translated", "6", "2027-12-31")

    page.locator("#resources-0-kind").select_option("financial")
    page.locator("#resources-0-amount").fill("250000")
    page.locator("#resources-0-currency").select_option("USD")
    page.get_by_role("button", name="Add a resource").click()
    page.locator("#resources-1-kind").select_option("staff")
    page.locator("#resources-1-description").fill("two trainers for six months")

    page.get_by_label("Find an SDG target or a resolution paragraph").fill("11.3")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("SDG 11.3 By 2030, enhance inclusive and sustainable urbanization").check()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("#messages")).to_contain_text("saved as a draft")
    commitment = saved(app)
    assert len(commitment.deliverables) == 2
    assert [r.kind.value for r in commitment.resources] == ["financial", "staff"]
    assert [i.code for i in commitment.alignment] == ["11.3"]

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#messages")).to_contain_text("submitted for review")

    approve_and_change_a_target(app, page, registry)


@pytest.fixture(params=[375, 1280], ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def test_the_form_and_the_page_fit_and_pass_axe(
    app: Flask, screen: Page, registry, make_commitment
) -> None:
    width = screen.viewport_size["width"]
    with app.app_context():
        from registry.models import Stakeholder

        org = db.session.get(Stakeholder, registry["org"])
        db.session.expunge(org)
    commitment_id = make_commitment(
        org,
        starts_on="2020-01-01",
        deliverables=[
            {"title": "Cities applying the framework", "target": 80.0, "unit": "cities",
             "baseline": 10.0, "due_on": "2028-06-30"},
            {"title": "Guides translated", "target": 6.0, "due_on": "2021-01-01"},
        ],
    )  # fmt: skip
    screen.goto(f"/commitments/{commitment_id}")
    expect(screen.locator("main")).to_contain_text("1 of 2 deliverables slipped")
    fits(screen)
    screenshot(screen, f"commitment-page-{width}.png")

    ui_login(screen, "", registry["member"].email, PASSWORD)
    for path in (f"/commitments/new?stakeholder={registry['org']}", "/commitments/new"):
        screen.goto(path)
        fits(screen)
    screen.goto(f"/commitments/{commitment_id}/edit")
    fits(screen)
    screenshot(screen, f"commitment-edit-{width}.png")
    screen.get_by_role("button", name="Save as a draft").or_(
        screen.get_by_role("button", name="Save the changes")
    ).click()
    expect(screen.locator("#messages")).to_be_visible()
    # A refused save: the summary lists the row's field and links to it.
    screen.goto(f"/commitments/new?stakeholder={registry['org']}")
    screen.get_by_label("Title").fill("Bad target")
    screen.locator("#deliverables-0-title").fill("Something")
    screen.locator("#deliverables-0-target").fill("eighty")
    screen.get_by_role("button", name="Save as a draft").click()
    summary = screen.locator(".error-summary")
    expect(summary).to_contain_text("Enter a number")
    expect(summary).to_be_focused()
    fits(screen)
