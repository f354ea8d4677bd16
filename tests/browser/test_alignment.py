"""Aligning an initiative in a real browser, on a phone's width: an officer edits it, types
"11.1" in the one picker, ticks the target htmx found, saves, and sees it on the initiative's
page and on the SDG page under goal 11. axe on each page; nothing wider than the screen. Then
the same with JavaScript off, through the picker's "Find" button."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry.extensions import db
from registry.models import Initiative, InitiativeKind, Role
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD

TARGET = "SDG 11.1 By 2030, ensure access for all to adequate housing"


@pytest.fixture
def phone(browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser, live_server, server_errors, viewport={"width": 375, "height": 800}
    )


@pytest.fixture
def phone_nojs(browser: Browser, live_server: str, server_errors: list[str]):
    yield from _new_page(
        browser,
        live_server,
        server_errors,
        viewport={"width": 375, "height": 800},
        java_script_enabled=False,
    )


@pytest.fixture
def registry(app: Flask, make_user, framework_items):
    officer = make_user(Role.OFFICER, email="officer@example.org")
    with app.app_context():
        initiative = Initiative(
            title="SDG Cities", kind=InitiativeKind.PROGRAMME, starts_on=date(2022, 1, 1)
        )
        db.session.add(initiative)
        db.session.commit()
        return {"id": initiative.id, "officer": officer}


def fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def aligned(app: Flask, initiative_id: int) -> list[str]:
    with app.app_context():
        return [item.code for item in db.session.get(Initiative, initiative_id).alignment]


def test_an_officer_picks_a_target_with_htmx_and_sees_it_on_the_pages(
    app: Flask, phone: Page, registry
) -> None:
    page = phone
    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto(f"/initiatives/{registry['id']}/edit")
    form_url = page.url
    page.get_by_label("Find an SDG target or a resolution paragraph").fill("11.1")
    item = page.get_by_label(TARGET)
    expect(item).to_be_visible()  # found while typing, without leaving the page
    assert page.url == form_url
    item.check()
    check_a11y(page)
    fits(page)
    screenshot(page, "alignment-picker-375.png")

    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("#messages")).to_contain_text("is saved and public")
    assert aligned(app, registry["id"]) == ["11.1"]
    link = page.get_by_role("link", name="SDG 11.1")
    expect(link).to_be_visible()
    check_a11y(page)
    fits(page)

    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Target 11.1")
    expect(page.locator("main")).to_contain_text("Initiatives that advance it")
    expect(page.get_by_role("link", name="SDG Cities")).to_be_visible()
    check_a11y(page)
    fits(page)

    page.goto("/frameworks/sdg")
    expect(page.get_by_role("link", name="SDG Cities")).to_be_visible()  # under goal 11
    expect(page.locator("main")).to_contain_text("Nothing advances this goal yet.")  # goal 6
    check_a11y(page)
    fits(page)
    screenshot(page, "alignment-sdg-375.png")


def test_the_same_without_javascript_through_find(app: Flask, phone_nojs: Page, registry) -> None:
    page = phone_nojs
    ui_login(page, "", registry["officer"].email, PASSWORD)
    page.goto(f"/initiatives/{registry['id']}/edit")
    page.get_by_label("Find an SDG target or a resolution paragraph").fill("housing")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#alignment-found-title")).to_be_focused()
    page.get_by_label(TARGET).check()
    assert aligned(app, registry["id"]) == []  # finding saves nothing
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("#messages")).to_contain_text("is saved and public")
    assert aligned(app, registry["id"]) == ["11.1"]
    fits(page)
