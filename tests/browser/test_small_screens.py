"""Pages work at 320 px wide (STYLE.md): nothing but a table's own scroll area overflows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from registry.models import Role, Status
from tests.browser.conftest import check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

PAGES = [
    "/",
    "/stakeholders/",
    "/login",
    "/register",
    "STAKEHOLDER",
    "/about",
    "/privacy",
    "/accessibility",
]


@pytest.fixture
def narrow_page(browser: Browser, live_server: str):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    yield page
    context.close()


def page_overflow(page) -> int:
    """How far the page itself is wider than the screen, in CSS pixels."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_fit_a_320px_screen(narrow_page, make_stakeholder, path):
    stakeholder = make_stakeholder(
        name="Nakuru Informal Settlements Federation (demo)", city="Nakuru", country="KE"
    )
    if path == "STAKEHOLDER":
        path = f"/stakeholders/{stakeholder.id}"
    narrow_page.goto(path)
    assert page_overflow(narrow_page) <= 0
    check_a11y(narrow_page)


def test_the_review_queue_fits_a_320px_screen(
    narrow_page, live_server, make_user, make_stakeholder
):
    admin = make_user(Role.ADMIN)
    make_stakeholder(name="A Long Organization Name Waiting For Review", status=Status.SUBMITTED)
    ui_login(narrow_page, live_server, admin.email, PASSWORD)
    narrow_page.goto("/review/")
    assert page_overflow(narrow_page) <= 0
    check_a11y(narrow_page)
    screenshot(narrow_page, "review-320.png")
