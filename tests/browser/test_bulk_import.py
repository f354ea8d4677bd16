"""Bulk import in a real browser, at a phone's width and a desktop's: an officer uploads a
file (Playwright's set_input_files), reads the preview (its table scrolls in its own region,
never the page), ticks "import anyway" for a possible duplicate and confirms. axe on each page."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from registry.extensions import db
from registry.models import Role, Stakeholder
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


def test_upload_preview_and_confirm(screen: Page, app: Flask, make_user, make_stakeholder):
    width = screen.viewport_size["width"]
    officer = make_user(Role.OFFICER, name="Olive Officer")
    make_stakeholder(name="Nakuru Youth Network")
    ui_login(screen, "", officer.email, PASSWORD)

    screen.goto("/stakeholders/in-progress")
    screen.get_by_role("link", name="Import stakeholders from a file").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Import stakeholders from a file")
    check_a11y(screen)
    fits(screen)
    screen.get_by_label("File to import").set_input_files(
        files=[{"name": "orgs.csv", "mimeType": "text/csv", "buffer": FILE}]
    )
    screen.get_by_role("button", name="Check the file").click()

    expect(screen.get_by_role("heading", level=1)).to_contain_text("orgs.csv")
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
