"""Bulk import in a real browser, at a phone's width and a desktop's: an officer uploads a
file (Playwright's set_input_files), reads the preview (its table scrolls in its own region,
never the page), ticks "import anyway" for a possible duplicate and confirms; the same for a
file of commitments with their deliverables. axe on each page."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from registry.extensions import db
from registry.models import Commitment, Role, Stakeholder
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

WIDTHS = [375, 1280]

FILE = (
    "name,acronym,sector,constituencies,country,city,scale,website,org_identifier,description\r\n"
    "Nakuru Youth Network,NYN,civil_society,women,KE,Nakuru,local,www.example.org,,"
    "A tr\u00e8s long description that makes this table much wider than a phone's screen\r\n"
    "Bad Sector Org,,astrology,,,,local,,,\r\n"
    '=HYPERLINK("http://evil.example"),,academia,,,,global,,,\r\n'
).encode("cp1252")


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def upload(screen: Page, start: str, title: str, name: str, data: bytes) -> None:
    """From the page officers work on, the import's link, its upload page (axe, the width),
    the file sent: its preview shows."""
    screen.goto(start)
    screen.get_by_role("link", name=title).click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(title)
    check_a11y(screen)
    fits(screen)
    screen.get_by_label("File to import").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    screen.get_by_role("button", name="Check the file").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text(name)


def test_upload_preview_and_confirm(screen: Page, app: Flask, make_user, make_stakeholder):
    width = screen.viewport_size["width"]
    officer = make_user(Role.OFFICER, name="Olive Officer")
    make_stakeholder(name="Nakuru Youth Network")
    ui_login(screen, "", officer.email, PASSWORD)

    upload(screen, "/stakeholders/in-progress", "Import stakeholders from a file", "orgs.csv", FILE)
    expect(screen.get_by_text("read as Windows-1252")).to_be_visible()
    expect(screen.get_by_text("Choose a sector from the list")).to_be_visible()
    expect(screen.get_by_text("Possible duplicate, skipped")).to_be_visible()
    expect(screen.get_by_role("cell", name='=HYPERLINK("http://evil.example")')).to_have_count(1)
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"import-preview-{width}.png")

    screen.get_by_label("Import anyway (line 2)").check()
    screen.get_by_role("button", name="Import these rows").click()
    expect(
        screen.get_by_text("Imported 2 stakeholders as drafts; 1 rows were skipped.")
    ).to_be_visible()
    check_a11y(screen)
    fits(screen)
    with app.app_context():
        assert sorted(db.session.scalars(select(Stakeholder.name))) == [
            '=HYPERLINK("http://evil.example")',
            "Nakuru Youth Network",
            "Nakuru Youth Network",
        ]


def file_for(org_id: int) -> bytes:
    header = (
        "stakeholder_id,title,description,ends_on,alignment,deliverable_1_title,"
        "deliverable_1_target,deliverable_1_unit,deliverable_1_due_on,deliverable_2_title,"
        "deliverable_2_due_on,resource_1_kind,resource_1_amount,resource_1_currency"
    )
    return "\r\n".join(
        [
            header,
            f"{org_id},Train 80 cities on urban monitoring,A tr\u00e8s long description that makes "
            "this table much wider than a phone's screen,2028-12-31,11.1,Cities trained,80,"
            "cities,2027-06-30,Reports published,2028-06-30,financial,250000,USD",
            f"{org_id},Safe water in Nakuru,,2028-12-31,,Water points built,40,points,"
            "2029-01-31,,,,,",
            f'{org_id},"=HYPERLINK(""http://evil.example"")",,,,,,,,,,,,',
            f"{org_id},Plant trees in Nakurru,,,,,,,,,,,,",
        ]
    ).encode("cp1252")


def test_upload_preview_and_confirm_commitments(
    screen: Page, app: Flask, make_user, make_stakeholder, make_commitment
):
    """Commitments with their deliverables: found from "Write a commitment", a deliverable
    due after the end said at its column, a close title ticked, each imported line a link."""
    width = screen.viewport_size["width"]
    officer = make_user(Role.OFFICER, name="Olive Officer")
    org = make_stakeholder(name="Nakuru Youth Network")
    make_commitment(org, author=officer, title="Plant trees in Nakuru")
    ui_login(screen, "", officer.email, PASSWORD)

    upload(
        screen,
        "/commitments/new",
        "Import commitments from a file",
        "pledges.csv",
        file_for(org.id),
    )
    expect(screen.get_by_text("read as Windows-1252")).to_be_visible()
    expect(
        screen.get_by_text("The due date must be inside the commitment's period")
    ).to_be_visible()
    expect(screen.get_by_text("Possible duplicate, skipped")).to_be_visible()
    expect(screen.get_by_role("cell", name='=HYPERLINK("http://evil.example")')).to_have_count(1)
    expect(screen.get_by_role("listitem").filter(has_text="Cities trained")).to_have_count(1)
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"commitment-import-preview-{width}.png")

    screen.get_by_label("Import anyway (line 5)").check()
    screen.get_by_role("button", name="Import these rows").click()
    expect(
        screen.get_by_text(
            "Imported 3 commitments with 2 deliverables as drafts; 1 rows were skipped."
        )
    ).to_be_visible()
    check_a11y(screen)
    fits(screen)
    screen.get_by_role("link", name="Imported (line 2)").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text(
        "Train 80 cities on urban monitoring"
    )
    with app.app_context():
        assert sorted(db.session.scalars(select(Commitment.title))) == [
            '=HYPERLINK("http://evil.example")',
            "Plant trees in Nakurru",
            "Plant trees in Nakuru",
            "Train 80 cities on urban monitoring",
        ]
