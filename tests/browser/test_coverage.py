"""The coverage page, an initiative's flags and the SDG chart in a real browser, at a small
phone's width, a phone's and a desktop's: axe finds nothing serious, nothing is wider than the
screen (the matrix scrolls inside its own region), and printing keeps the tables."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from tests.browser.conftest import SHOTS, _new_page, check_a11y, screenshot
from tests.test_coverage import registry  # noqa: F401 - the hand-built registry fixture
from tests.test_frameworks import SDG_DIR

WIDTHS = [320, 375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


@pytest.fixture
def goals(app: Flask, registry):  # noqa: F811 - the fixture imported above
    """The 17 real goals over the hand-built registry, so the bars have every colour."""
    from registry.frameworks.services import import_sdg

    with app.app_context():
        import_sdg(SDG_DIR)
        db.session.commit()
    return registry


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_coverage_page_at_each_width(screen: Page, goals) -> None:
    width = screen.viewport_size["width"]
    screen.goto("/coverage/")
    expect(screen.get_by_role("heading", level=1)).to_have_text("Whole-of-society coverage")
    expect(screen.locator(".coverage-matrix tbody tr")).to_have_count(3)
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"coverage-{width}.png")
    if width == 1280:  # the charts up close, for a person to look at
        for name, selector in (("heatmap", ".heat-figure"), ("lights", "#lights-chart-title")):
            figure = screen.locator(selector).locator("xpath=ancestor-or-self::figure")
            figure.screenshot(path=str(SHOTS / f"coverage-{name}.png"))

    # The matrix is wider than a phone: it scrolls inside its region, not the page.
    region = screen.locator(".table-scroll", has=screen.locator(".coverage-matrix"))
    if width < 1280:
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")

    screen.get_by_role("link", name="GAP partner constituent groups").click()
    expect(
        screen.get_by_role("heading", level=2, name="Initiatives by GAP partner constituent group")
    ).to_be_visible()
    screen.get_by_role("link", name="sort by the number of gaps").click()
    expect(screen.locator(".coverage-matrix tbody th").first).to_have_text("Empty Programme")
    check_a11y(screen)
    fits(screen)


def test_a_country_and_a_goal(screen: Page, goals) -> None:
    width = screen.viewport_size["width"]
    screen.goto("/coverage/")
    screen.get_by_label("Country").select_option("KE")
    screen.get_by_label("Sustainable Development Goal", exact=True).select_option("11")
    screen.get_by_role("button", name="Show").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(
        "Whole-of-society coverage in Kenya, SDG 11"
    )
    expect(screen.locator(".coverage-matrix tbody tr")).to_have_count(1)
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"coverage-kenya-11-{width}.png")


def test_printing_keeps_the_tables(screen: Page, goals) -> None:
    screen.goto("/coverage/")
    screen.emulate_media(media="print")
    for table in (".coverage-matrix", ".chart-table"):
        expect(screen.locator(table).first).to_be_visible()
    expect(screen.locator(".coverage-filters")).to_be_hidden()
    if screen.viewport_size["width"] == 1280:
        screenshot(screen, "coverage-print.png")


def test_the_initiative_flags_and_the_sdg_chart(screen: Page, goals) -> None:
    width = screen.viewport_size["width"]
    screen.goto(f"/initiatives/{goals['nup']}")
    flags = screen.locator(".flag-list li")
    expect(flags).to_have_count(4)
    expect(flags.first).to_have_text("No grassroots or community organization")
    screen.get_by_text("Every sector, constituency and GAP group").click()
    expect(screen.locator(".coverage-table")).to_be_visible()
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"coverage-initiative-{width}.png")

    screen.goto("/frameworks/sdg")
    expect(screen.locator(".chart-table tbody tr")).to_have_count(17)
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"coverage-sdg-{width}.png")
