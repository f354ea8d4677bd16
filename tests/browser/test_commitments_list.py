"""The commitment list in a real browser at phones' widths and a desktop's: the whole list
with a commitment of each light, then narrowed to the overdue ones with the filter (htmx
swaps the results in place), and an engagement's page with its pledges counted per light.
axe on each; nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.models import ParticipantRole
from tests.browser.conftest import _new_page, check_a11y, screenshot
from tests.test_commitments_list import report

WIDTHS = [320, 375, 1280]  # 320: the narrowest screen STYLE.md asks for


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def lights(app: Flask, make_stakeholder, make_commitment, make_engagement, admin_user):
    """Four commitments announced at one roundtable, one of each light today."""
    people = [
        make_stakeholder("United Cities and Local Governments of Africa", country="KE"),
        make_stakeholder("Habitat Youth Network", country="FR", sector_code="grassroots"),
        make_stakeholder("Nairobi Metropolitan Services", country="KE"),
        make_stakeholder("Slum Dwellers International", country="ZA"),
    ]
    engagement = make_engagement(
        "Nakuru roundtable", participants=[(p.id, ParticipantRole.PARTICIPANT) for p in people]
    )
    today = datetime.now(UTC).date()
    ages = {
        "Affordable housing for 10,000 families by 2028": 30,
        "Youth-led mapping of informal settlements in 20 cities": 400,
        "Green corridors along the Nairobi river": 800,
        "Water kiosks in every ward": 200,
    }
    ids = []
    for person, (title, days) in zip(people, ages.items(), strict=True):
        moment = datetime.combine(today - timedelta(days=days), datetime.min.time(), UTC)
        with time_machine.travel(moment.replace(hour=9), tick=False):
            ids.append(make_commitment(person, title=title, engagement_id=engagement))
    report(app, ids[-1], today - timedelta(days=100), done=True)
    return engagement


def test_the_list_and_a_filtered_view_at_each_width(screen: Page, lights) -> None:
    screen.goto("/commitments/")
    expect(screen.get_by_role("status")).to_contain_text("4 commitments")
    for word in ("On track", "Overdue", "Inactive", "Completed"):
        expect(screen.locator("table .light").filter(has_text=word)).to_have_count(1)
    check_a11y(screen)
    fits(screen)
    width = screen.viewport_size["width"]
    screenshot(screen, f"commitments-list-{width}.png")

    if width < 600:
        screen.get_by_text("Filter", exact=True).first.click()  # the folded filters open
    screen.get_by_role("combobox", name="Light").select_option("overdue")
    expect(screen.get_by_role("status")).to_contain_text("1 commitment matches")
    rows = screen.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Youth-led mapping of informal settlements")
    assert "light=overdue" in screen.url
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"commitments-overdue-{width}.png")


def test_an_engagement_counts_its_pledges_per_light(screen: Page, lights) -> None:
    screen.goto(f"/engagements/{lights}")
    expect(screen.get_by_text("4 pledges made at this roundtable")).to_contain_text(
        "1 on track, 1 overdue, 1 inactive, 1 completed"
    )
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"engagement-pledges-{screen.viewport_size['width']}.png")
