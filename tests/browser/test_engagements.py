"""Engagements in a real browser, at a phone's width and a desktop's: the list and an
engagement's page (axe, nothing wider than the screen, the reader's own time zone filled in
by the script), and staff adding a participant by typing part of its name, with and without
JavaScript. Screenshots go to /tmp/eng-shots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from registry.demo import seed_demo
from registry.extensions import db
from registry.models import Engagement, EngagementParticipant, Role, Stakeholder
from tests.browser.conftest import _new_page, check_a11y, ui_login
from tests.conftest import PASSWORD

SHOTS = Path("/tmp/eng-shots")  # noqa: S108 - pictures for a person to look at
WIDTHS = [375, 1280]
NAKURU = "Roundtable 2: Working together to build sustainable cities and communities"
UPCOMING = "Roundtable 3 (demo): Following up on the partnerships of Roundtable 2"


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser: Browser, live_server: str, server_errors: list[str]):
    """A page at one width, in a reader's zone far from Nairobi's (Paris)."""
    yield from _new_page(
        browser,
        live_server,
        server_errors,
        viewport={"width": request.param, "height": 800},
        timezone_id="Europe/Paris",
    )


@pytest.fixture
def demo(app: Flask) -> dict[str, int]:
    """The demo registry (its engagements come from the seeds); ids by name."""
    with app.app_context():
        seed_demo()
        db.session.commit()
        engagements = {e.title: e.id for e in db.session.scalars(select(Engagement))}
        stakeholders = {s.name: s.id for s in db.session.scalars(select(Stakeholder))}
    return {**engagements, **stakeholders}


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    check_a11y(page)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_the_list_and_an_engagement_page(screen: Page, demo: dict[str, int]) -> None:
    width = screen.viewport_size["width"]
    screen.goto("/engagements/")
    # The demo's one upcoming engagement, soonest first.
    expect(screen.get_by_role("link", name=UPCOMING)).to_be_visible()
    fits(screen)
    screen.get_by_role("link", name="Past", exact=True).click()
    expect(screen.get_by_role("heading", name="Past engagements, latest first")).to_be_visible()
    expect(screen.get_by_role("link", name=NAKURU)).to_be_visible()
    fits(screen)
    shot(screen, f"list-{width}.png")

    screen.get_by_role("link", name=NAKURU).click()
    expect(screen.get_by_role("heading", level=1, name=NAKURU)).to_be_visible()
    expect(screen.get_by_text("31 October 2020, 12:45\u201314:45 EAT")).to_be_visible()
    # The script wrote the reader's own zone: Paris was on CET (UTC+1) that day.
    reader = screen.locator("time[data-reader-span]")
    expect(reader).to_contain_text("10:45\u201312:45")
    expect(screen.get_by_text("In your time zone:")).to_be_visible()
    assert "Europe/Paris" in reader.get_attribute("title")
    fits(screen)
    shot(screen, f"detail-{width}.png")


def test_the_list_filters_with_htmx(screen: Page, demo: dict[str, int]) -> None:
    screen.goto("/engagements/?view=past")
    if screen.viewport_size["width"] < 600:
        screen.get_by_text("Filter", exact=True).first.click()  # folded on a phone
    screen.get_by_role("combobox", name="Kind").select_option("conference")
    expect(screen.get_by_text("2 engagements")).to_be_visible()
    assert "kind=conference" in screen.url
    expect(screen.get_by_role("link", name=NAKURU)).to_have_count(0)
    fits(screen)


def test_staff_add_a_participant_by_typing_part_of_its_name(
    page: Page, live_server: str, app: Flask, make_user, demo: dict[str, int]
) -> None:
    officer = make_user(Role.OFFICER)
    ui_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/engagements/{demo[NAKURU]}/participants")
    page.get_by_label("Stakeholder", exact=True).fill("Cities All")
    page.get_by_label("Cities Alliance").check()
    page.get_by_label("Role").select_option("partner")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Cities Alliance is added as partner.")
    expect(page.locator("#live-region")).to_have_text("Cities Alliance is added as partner.")
    check_a11y(page)
    shot(page, "participants-1280.png")
    with app.app_context():
        added = db.session.scalar(
            select(EngagementParticipant).where(
                EngagementParticipant.engagement_id == demo[NAKURU],
                EngagementParticipant.stakeholder_id == demo["Cities Alliance"],
            )
        )
        assert added is not None


def test_without_javascript_a_typed_name_brings_choices_then_adds(
    page_nojs: Page, live_server: str, make_user, demo: dict[str, int]
) -> None:
    page = page_nojs
    officer = make_user(Role.OFFICER)
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/engagements/{demo[NAKURU]}/participants")
    page.get_by_label("Stakeholder", exact=True).fill("Next")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Choose one of the approved stakeholders below").first).to_be_visible()
    page.get_by_label("Next City").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Next City is added as organizer.")).to_be_visible()


def test_the_staff_forms_pass_axe_and_fit(
    screen: Page, live_server: str, make_user, demo: dict[str, int]
) -> None:
    officer = make_user(Role.OFFICER)
    ui_login(screen, live_server, officer.email, PASSWORD)
    screen.goto("/engagements/new")
    screen.get_by_label("Title").fill("Consultation in Nakuru")
    screen.get_by_label("Time zone").fill("Africa/Nairob")
    screen.get_by_role("button", name="Publish engagement").click()
    expect(screen.get_by_text("Did you mean Africa/Nairobi?").first).to_be_visible()
    expect(screen.locator(".error-summary")).to_be_focused()
    fits(screen)
    shot(screen, f"form-errors-{screen.viewport_size['width']}.png")
    screen.goto(f"/engagements/{demo[NAKURU]}/outcomes")
    expect(screen.get_by_role("heading", name="Lessons learned")).to_be_visible()
    fits(screen)
