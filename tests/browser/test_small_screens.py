"""Pages work at 320 px wide (STYLE.md): nothing but a table's own scroll area overflows."""

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
