"""The API's browsable documentation in a real browser: Swagger UI draws the OpenAPI document
under the site's own CSP (no inline script), at a phone's width and a desktop's; axe on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _new_page, check_a11y, screenshot

WIDTHS = [320, 375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def test_the_docs_draw_every_operation(screen: Page, make_stakeholder) -> None:
    make_stakeholder("Nakuru Youth Network", country="KE")
    screen.goto("/api/v1/docs")
    expect(screen.get_by_role("heading", level=1)).to_have_text("API documentation")
    expect(screen.locator(".opblock").first).to_be_visible()
    expect(screen.locator(".opblock")).to_have_count(13)  # 10 reads, 3 writes
    check_a11y(screen)
    width = screen.viewport_size["width"]
    screenshot(screen, f"api-docs-{width}.png")
    assert screen.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
