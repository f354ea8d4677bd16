"""Search everything in a real browser: typing in the box updates the results through htmx
and pushes the address; the header's box and the page work without JavaScript too; axe on
each width, nothing wider than the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _new_page, check_a11y, screenshot

WIDTHS = [320, 375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def things(make_stakeholder, make_engagement, make_initiative, make_commitment):
    owner = make_stakeholder(
        "Nakuru Youth Networks",
        country="KE",
        sector_code="grassroots",
        description="Young people of Nakuru county organise clean-ups and savings groups "
        "and speak for informal settlements at the county assembly.",
    )
    make_stakeholder("UN-Habitat", description="The United Nations Human Settlements Programme.")
    make_engagement("Nakuru county dialogue on housing with a very long title for small screens")
    make_initiative("Nakuru Lakeside Settlements Upgrading Programme")
    make_commitment(owner, title="Nakuru youth savings groups reach 2,000 members")


def test_typing_searches_as_you_go_and_pushes_the_address(screen: Page, things) -> None:
    width = screen.viewport_size["width"]
    screen.goto("/search")
    check_a11y(screen)
    fits(screen)

    box = screen.get_by_label("Words to search for")
    box.press_sequentially("nakuru youth", delay=20)
    expect(screen).to_have_url(re.compile(r"/search\?q=nakuru(\+|%20)youth"))
    expect(screen.locator(".search-title", has_text="Nakuru Youth Networks")).to_be_visible()
    expect(screen.locator(".search-title mark").first).to_have_text("Nakuru")
    # The count went to the live region; the focus stayed in the box.
    expect(screen.locator("#live-region")).to_have_text(re.compile(r"\d+ results?"))
    expect(box).to_be_focused()
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"search-results-{width}.png")

    box.fill("nakru")
    expect(screen.locator(".search-correction")).to_contain_text("nakuru")
    expect(screen).to_have_url(re.compile(r"/search\?q=nakru"))

    box.fill("zzzqqq")
    expect(screen.locator(".search-empty")).to_be_visible()
    check_a11y(screen)
    fits(screen)

    # A facet link narrows the results (a plain link: the whole page).
    box.fill("nakuru")
    expect(screen.locator(".search-hit")).to_have_count(4)
    screen.locator(".facets").get_by_role("link", name=re.compile("^Engagement")).click()
    expect(screen.locator(".search-hit")).to_have_count(1)
    expect(screen).to_have_url(re.compile(r"type=engagement"))
    check_a11y(screen)
    fits(screen)


def test_the_header_box_searches_without_javascript(page_nojs: Page, things) -> None:
    page_nojs.goto("/stakeholders/")
    page_nojs.get_by_label("Search everything in the registry").fill("un habitat")
    page_nojs.get_by_role("button", name="Go", exact=True).click()
    expect(page_nojs).to_have_url(re.compile(r"/search\?q=un\+habitat"))
    expect(page_nojs.locator(".search-title").first).to_have_text("UN-Habitat")
    page_nojs.get_by_label("Words to search for").fill("youth network")
    page_nojs.get_by_role("button", name="Search", exact=True).click()
    expect(page_nojs.locator(".search-title")).to_have_text(["Nakuru Youth Networks"])
