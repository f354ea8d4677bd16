"""Pages work at 320 px wide (STYLE.md): nothing but a table's own scroll area overflows. On a
phone the stakeholder list reads as cards and its filters fold behind a "Filter" disclosure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from registry import audit
from registry.extensions import db
from registry.models import Constituency, Contact, Review, Role, Scale, Stakeholder, Status
from tests.browser.conftest import _new_page, check_a11y, screenshot, ui_login
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
PHONES = [320, 375]
LONG_NAME = "Nakuru Informal Settlements Federation of Savings Groups (demo)"


@pytest.fixture
def narrow_page(browser: Browser, live_server: str):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    yield page
    context.close()


def open_page(browser: Browser, live_server: str, server_errors: list[str], width: int, **options):
    """A page ``width`` CSS pixels wide, with the real CSP and the live server's errors checked."""
    return _new_page(
        browser, live_server, server_errors, viewport={"width": width, "height": 800}, **options
    )


@pytest.fixture(params=PHONES, ids=lambda width: f"{width}px")
def phone(request, browser: Browser, live_server: str, server_errors: list[str]):
    yield from open_page(browser, live_server, server_errors, request.param)


@pytest.fixture
def phone_375(browser: Browser, live_server: str, server_errors: list[str]):
    yield from open_page(browser, live_server, server_errors, 375)


@pytest.fixture
def phone_375_nojs(browser: Browser, live_server: str, server_errors: list[str]):
    yield from open_page(browser, live_server, server_errors, 375, java_script_enabled=False)


def page_overflow(page) -> int:
    """How far the page itself is wider than the screen, in CSS pixels."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def listed(app: Flask, make_stakeholder):
    """A few approved stakeholders with every column filled in, one with a long name."""
    made = [
        make_stakeholder(
            name=LONG_NAME, acronym="NISF", city="Nakuru", country="KE", scale=Scale.LOCAL
        ),
        make_stakeholder(
            name="Cities Alliance", sector_code="un_system", country="BE", scale=Scale.GLOBAL
        ),
        make_stakeholder(name="Korea Research Institute for Human Settlements", country="KR"),
    ]
    with app.app_context():
        first = db.session.get(Stakeholder, made[0].id)
        first.constituencies = list(db.session.scalars(db.select(Constituency).limit(3)))
        db.session.commit()
    return made


@pytest.fixture
def admin(make_user):
    return make_user(
        Role.ADMIN,
        email="administrator.with.a.long.address@registry.example.org",
        name="Administrator With A Rather Long Name",
    )


@pytest.fixture
def entry_with_history(app: Flask, admin, make_stakeholder):
    """An entry as staff see it: contact persons and review decisions, with long values."""
    stakeholder = make_stakeholder(name=LONG_NAME, status=Status.SUBMITTED, city="Nakuru")
    with app.app_context():
        db.session.add_all(
            [
                Contact(
                    stakeholder_id=stakeholder.id,
                    name="Wanjiru Kamau",
                    position="Programme coordinator for savings groups",
                    email="wanjiru.kamau.programmes@nakuru-settlements.example.org",
                    phone="+254 700 000 001",
                    consent_at=datetime(2026, 3, 1, tzinfo=UTC),
                ),
                Review(
                    entry_type="stakeholder",
                    entry_id=stakeholder.id,
                    from_status="draft",
                    to_status="submitted",
                    reviewer_id=admin.id,
                    comment="Please add the registration number of the federation.",
                ),
            ]
        )
        db.session.commit()
    return stakeholder


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


# --- nothing scrolls sideways on a phone --------------------------------------------------------


def test_the_stakeholder_list_fits_a_phone(phone: Page, listed):
    phone.goto("/stakeholders/")
    expect(phone.get_by_role("link", name=LONG_NAME)).to_be_visible()
    assert page_overflow(phone) <= 0
    check_a11y(phone)


def test_the_accounts_page_fits_a_phone(phone: Page, live_server: str, admin, make_user):
    for n in range(3):
        make_user(email=f"community.member.number.{n}@a-long-domain-name.example.org")
    ui_login(phone, live_server, admin.email, PASSWORD)
    phone.goto("/admin/users/")
    expect(phone.get_by_role("region", name="Accounts")).to_be_visible()
    assert page_overflow(phone) <= 0
    check_a11y(phone)


def test_the_audit_log_fits_a_phone(phone: Page, app: Flask, live_server: str, admin, listed):
    with app.app_context():  # a change, "before → after", with its hidden words for listeners
        audit.record(
            "stakeholder.updated",
            db.session.get(Stakeholder, listed[0].id),
            actor=None,
            before={"name": "Nakuru Settlements Federation", "city": "Naivasha"},
            after={"name": LONG_NAME, "city": "Nakuru"},
        )
        db.session.commit()
    ui_login(phone, live_server, admin.email, PASSWORD)
    phone.goto("/admin/audit/")
    expect(phone.get_by_role("region", name="Audit events, newest first")).to_be_visible()
    assert page_overflow(phone) <= 0
    check_a11y(phone)


def test_an_entry_with_contacts_and_history_fits_a_phone(
    phone: Page, live_server: str, admin, entry_with_history
):
    ui_login(phone, live_server, admin.email, PASSWORD)
    phone.goto(f"/stakeholders/{entry_with_history.id}")
    expect(phone.get_by_role("region", name="Review decisions, newest first")).to_be_visible()
    assert page_overflow(phone) <= 0
    check_a11y(phone)


# --- the list as cards ------------------------------------------------------------------------


def test_the_list_reads_as_cards_on_a_phone(phone_375: Page, listed):
    phone_375.goto("/stakeholders/")
    table = phone_375.locator("table.stakeholders")
    # The header row is out of sight (still there for screen readers); each cell says what it is.
    assert table.locator("thead").bounding_box()["height"] <= 1
    card = table.locator("tbody tr", has=phone_375.get_by_role("link", name=LONG_NAME))
    for label in ("Sector", "Speaks for", "Country", "City or locality", "Scale", "Approved"):
        expect(card.locator(".cell-label", has_text=label)).to_be_visible()
    # A card is as wide as the list, not a row of narrow columns.
    box = card.bounding_box()
    assert box["width"] >= 375 - 2 * 16 - 2
    assert table.locator("tbody tr").count() == len(listed)
    # Still a table to a screen reader: every row has its seven cells, the empty ones too (a
    # missing one would shift the rest under the wrong column header).
    cities = table.locator("tbody tr", has=phone_375.get_by_role("link", name="Cities Alliance"))
    assert cities.get_by_role("cell").count() == 6
    assert cities.get_by_role("rowheader").count() == 1
    screenshot(phone_375, "phones-list-375.png")


def test_a_sort_link_shows_when_the_keyboard_reaches_it_on_a_phone(phone_375: Page, listed):
    phone_375.goto("/stakeholders/")
    sort_by_name = phone_375.locator("table.stakeholders thead").get_by_role("link", name="Name")
    sort_by_name.focus()
    box = sort_by_name.bounding_box()
    # Never a focus that nobody can see.
    assert box["width"] > 1
    assert box["height"] > 1
    assert page_overflow(phone_375) <= 0
    check_a11y(phone_375)


def test_the_list_is_a_table_on_a_wide_screen(page: Page, listed):
    page.goto("/stakeholders/")
    table = page.locator("table.stakeholders")
    expect(table.locator("thead").get_by_role("link", name="Sector")).to_be_visible()
    expect(table.locator(".cell-label").first).to_be_hidden()
    first_row = table.locator("tbody tr").first
    # The cells of one row sit side by side.
    boxes = [cell.bounding_box() for cell in first_row.locator("th, td").all()]
    assert len({round(box["y"]) for box in boxes}) == 1
    check_a11y(page)


# --- the Filter disclosure --------------------------------------------------------------------


def test_the_filters_fold_behind_filter_on_a_phone(phone_375: Page, listed):
    phone_375.goto("/stakeholders/?sector=grassroots&country=KE")
    summary = phone_375.locator("summary", has_text="Filter")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Filter (2)")
    expect(phone_375.get_by_role("combobox", name="Sector", exact=True)).to_be_hidden()
    expect(phone_375.get_by_label("Name or acronym")).to_be_visible()  # search stays in sight
    summary.click()
    expect(phone_375.get_by_role("combobox", name="Sector", exact=True)).to_be_visible()
    assert page_overflow(phone_375) <= 0
    screenshot(phone_375, "phones-filter-open.png")
    check_a11y(phone_375)


def test_the_filter_count_follows_an_htmx_change(phone_375: Page, listed):
    phone_375.goto("/stakeholders/")
    summary = phone_375.locator("summary", has_text="Filter")
    expect(summary).to_have_text("Filter")
    summary.click()
    phone_375.get_by_role("combobox", name="Country", exact=True).select_option("KE")
    expect(summary).to_contain_text("Filter (1)")
    expect(phone_375.get_by_role("link", name="Cities Alliance")).to_have_count(0)


def test_the_filter_disclosure_opens_without_javascript(phone_375_nojs: Page, listed):
    phone_375_nojs.goto("/stakeholders/")
    expect(phone_375_nojs.get_by_role("combobox", name="Sector", exact=True)).to_be_hidden()
    phone_375_nojs.locator("summary", has_text="Filter").click()
    phone_375_nojs.get_by_role("combobox", name="Country", exact=True).select_option("KE")
    phone_375_nojs.get_by_role("button", name="Search").click()
    expect(phone_375_nojs.locator("summary", has_text="Filter")).to_contain_text("Filter (1)")
    expect(phone_375_nojs.get_by_role("link", name=LONG_NAME)).to_be_visible()
    expect(phone_375_nojs.get_by_role("link", name="Cities Alliance")).to_have_count(0)


def test_the_filters_show_at_once_on_a_wide_screen(page: Page, listed):
    page.goto("/stakeholders/")
    expect(page.locator("summary", has_text="Filter")).to_be_hidden()
    expect(page.get_by_role("combobox", name="Sector", exact=True)).to_be_visible()
    expect(page.get_by_label("City or locality")).to_be_visible()
    check_a11y(page)
    screenshot(page, "phones-list-1280.png")


def test_the_filters_show_at_once_on_a_wide_screen_without_javascript(page_nojs: Page, listed):
    page_nojs.goto("/stakeholders/")
    expect(page_nojs.locator("summary", has_text="Filter")).to_be_hidden()
    expect(page_nojs.get_by_role("combobox", name="Sector", exact=True)).to_be_visible()


# --- pictures for a person to look at ---------------------------------------------------------


def test_phone_screenshots(
    phone_375: Page, live_server: str, admin, make_user, listed, entry_with_history
):
    for n in range(3):
        make_user(email=f"community.member.number.{n}@a-long-domain-name.example.org")
    phone_375.goto("/stakeholders/")
    screenshot(phone_375, "phones-list.png")
    ui_login(phone_375, live_server, admin.email, PASSWORD)
    phone_375.goto("/admin/users/")
    screenshot(phone_375, "phones-accounts.png")
    phone_375.goto(f"/stakeholders/{entry_with_history.id}")
    screenshot(phone_375, "phones-entry.png")
