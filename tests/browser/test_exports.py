"""The /data page and the download links under a list, in a real browser at a phone's widths
and a desktop's: axe finds nothing, nothing is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _new_page, check_a11y

WIDTHS = [320, 375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def test_the_data_page(screen: Page) -> None:
    screen.goto("/data")
    expect(screen.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    expect(screen.get_by_role("table", name="Columns of stakeholders")).to_be_attached()
    fits(screen)


def test_the_download_links_under_a_list(screen: Page, make_stakeholder) -> None:
    make_stakeholder("Nakuru Youth Network", sector_code="business")
    screen.goto("/stakeholders/?sector=business")
    link = screen.get_by_role("link", name="CSV file")
    expect(link).to_have_attribute("href", "/stakeholders/export.csv?sector=business")
    fits(screen)
