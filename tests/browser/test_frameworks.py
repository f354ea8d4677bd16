"""The framework pages in a real browser at a phone's width and a desktop's: the list of
agreements (the 17 goals imported from the real data), a resolution with its paragraphs and
their commitment counts, and a target with its aligned commitments and their lights. axe on
each; nothing wider than the screen."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from tests.browser.conftest import _new_page, check_a11y, screenshot
from tests.test_frameworks import SDG_DIR

WIDTHS = [375, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": request.param, "height": 800}
    )


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def agreements(app: Flask, framework_items, make_stakeholder, make_commitment):
    """The real SDGs over the fixture's items, resolution HSP/HA.2/RES.6 with a sub-paragraph,
    and two commitments: one to target 11.1, one to OP2(a)."""
    from registry.frameworks.services import import_resolution, import_sdg

    with app.app_context():
        import_sdg(SDG_DIR)
        import_resolution("HSP/HA.1/RES.1", 2019, "Strategic plan for the period 2020-2023", [])
        import_resolution(
            "HSP/HA.2/RES.6",
            2023,
            "Localization of the Sustainable Development Goals",
            [
                {"code": "OP2", "title": "Requests the Executive Director to support cities"},
                {"code": "OP2(a)", "title": "By developing tools", "parent": "OP2"},
                {"code": "OP9", "title": "Invites member states to report"},
            ],
        )
        db.session.commit()
        from registry.models import Framework, FrameworkItem

        op2a = db.session.scalar(
            db.select(FrameworkItem.id)
            .join(Framework)
            .where(Framework.code == "HSP/HA.2/RES.6", FrameworkItem.code == "OP2(a)")
        )
    owner = make_stakeholder("Nakuru Women's Savings and Housing Group", country="KE")
    make_commitment(owner, title="50 households move into improved housing",
                    alignment=[framework_items["11.1"]])  # fmt: skip
    make_commitment(owner, title="Voluntary local reviews in 5 cities", alignment=[op2a])


def test_the_framework_pages_at_each_width(screen: Page, agreements) -> None:
    width = screen.viewport_size["width"]

    screen.goto("/frameworks/")
    expect(screen.locator(".goal-grid li")).to_have_count(17)
    expect(screen.get_by_role("link", name="HSP/HA.2/RES.6")).to_be_visible()
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"frameworks-index-{width}.png")

    screen.get_by_role("link", name="HSP/HA.2/RES.6").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Resolution HSP/HA.2/RES.6")
    expect(screen.locator(".nothing-aligned")).to_have_count(1)  # OP9
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"frameworks-resolution-{width}.png")

    screen.goto("/frameworks/sdg/items/11.1")
    expect(screen.get_by_role("heading", level=1)).to_have_text("Target 11.1")
    expect(screen.locator(".commitment-lights .light")).to_have_text("On track")
    expect(screen.get_by_role("link", name="Indicator 11.1.1")).to_be_visible()
    check_a11y(screen)
    fits(screen)
    screenshot(screen, f"frameworks-target-{width}.png")
