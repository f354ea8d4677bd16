"""Accounts in a real browser: register, log in and out, and an admin managing roles.

Every page a test visits is checked with axe. The htmx paths run with JavaScript on; the same
actions with JavaScript off prove the plain forms still work (progressive enhancement).
"""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect

from registry.extensions import db
from registry.models import Role, User
from tests.browser.conftest import check_a11y, screenshot, ui_login
from tests.conftest import PASSWORD


def role_in_db(app: Flask, user_id: int) -> Role:
    with app.app_context():
        return db.session.get(User, user_id).role


def test_register_confirm_the_address_log_in_and_out(
    page: Page, live_server: str, live_inbox: list
) -> None:
    page.goto("/register")
    check_a11y(page)
    page.get_by_label("Your full name").fill("Amina Diallo")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Registering lands on what to do next; the link to confirm the address comes by mail.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("We sent a message to amina@example.org.")).to_be_visible()
    check_a11y(page)
    (message,) = live_inbox
    (path,) = re.findall(r"http://registry\.test(/verify/\S+)", message.get_content())

    page.goto(path)
    check_a11y(page)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    check_a11y(page)

    ui_login(page, live_server, "amina@example.org", PASSWORD)
    expect(page.locator(".site-header .who")).to_contain_text("Amina Diallo")
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)
    screenshot(page, "home.png")

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Where you are logged in")).to_be_visible()
    check_a11y(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.locator(".site-header .who")).to_have_count(0)
    check_a11y(page)


def test_forgotten_password_by_mail(page: Page, live_server: str, live_inbox: list, make_user):
    user = make_user(email="kofi@example.org")
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_a11y(page)
    page.get_by_label("Email address").fill("kofi@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If kofi@example.org belongs to an account")).to_be_visible()
    (message,) = live_inbox
    (path,) = re.findall(r"http://registry\.test(/password/reset/\S+)", message.get_content())

    page.goto(path)
    check_a11y(page)
    page.get_by_label("New password").fill("password12")
    page.get_by_label("Confirm password").fill("password12")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator(".error-summary")).to_contain_text("too easy to guess")
    check_a11y(page)
    page.get_by_label("New password").fill("river lantern cobalt")
    page.get_by_label("Confirm password").fill("river lantern cobalt")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your new password is set.")).to_be_visible()
    ui_login(page, live_server, user.email, "river lantern cobalt")


def test_register_with_errors_shows_them_by_the_fields(page: Page) -> None:
    page.goto("/register")
    page.get_by_label("Your full name").fill("Amina Diallo")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD + " typo")
    page.get_by_role("button", name="Create account").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    # The summary takes focus, so a screen reader announces it first (static/js/registry.js).
    expect(summary).to_be_focused()
    # Each message also sits by its field and is tied to it for assistive technology.
    email = page.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("right format"))
    confirm = page.get_by_label("Confirm password")
    expect(confirm).to_have_accessible_description(re.compile("do not match"))
    check_a11y(page)


def test_admin_changes_a_role_in_place_with_htmx(
    page: Page, live_server: str, app: Flask, make_user
) -> None:
    admin = make_user(Role.ADMIN)
    other = make_user(Role.COMMUNITY, name="Kofi Mensah")
    ui_login(page, live_server, admin.email, PASSWORD)

    page.goto("/admin/users/")
    check_a11y(page)
    screenshot(page, "admin-users.png")
    list_url = page.url

    row = page.locator(f"#user-{other.id}")
    row.get_by_label("Role of Kofi Mensah").select_option(Role.OFFICER.value)
    row.get_by_role("button", name="Change role").click()

    # htmx swaps only the row: no navigation, a message in the row, the new value selected.
    expect(row.get_by_role("status")).to_contain_text("Kofi Mensah is now: Partnership officer.")
    assert page.url == list_url
    expect(row.get_by_label("Role of Kofi Mensah")).to_have_value(Role.OFFICER.value)
    expect(page.locator("h1")).to_have_count(1)  # a fragment came back, not a whole page
    check_a11y(page)
    assert role_in_db(app, other.id) == Role.OFFICER


def test_admin_changes_a_role_without_javascript(
    page_nojs: Page, live_server: str, app: Flask, make_user
) -> None:
    page = page_nojs
    admin = make_user(Role.ADMIN)
    other = make_user(Role.COMMUNITY, name="Kofi Mensah")
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto("/admin/users/")

    row = page.locator(f"#user-{other.id}")
    row.get_by_label("Role of Kofi Mensah").select_option(Role.OFFICER.value)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        row.get_by_role("button", name="Change role").click()

    # A plain POST answers 303 (Post/Redirect/Get) back to the list, which flashes the outcome.
    assert posted.value.status == 303
    expect(page).to_have_url(f"{live_server}/admin/users/")
    expect(page.locator("#messages")).to_contain_text("Kofi Mensah is now: Partnership officer.")
    expect(page.get_by_label("Role of Kofi Mensah")).to_have_value(Role.OFFICER.value)
    assert role_in_db(app, other.id) == Role.OFFICER


def test_admin_active_search_narrows_the_list(page: Page, live_server: str, make_user) -> None:
    admin = make_user(Role.ADMIN, name="Ada Admin")
    make_user(name="Kofi Mensah")
    make_user(name="Lucía Fernández")
    ui_login(page, live_server, admin.email, PASSWORD)
    page.goto("/admin/users/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)

    # Typing (no submit) triggers the htmx search; the URL follows so it can be shared.
    page.get_by_label("Name or email").press_sequentially("kofi")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kofi Mensah")
    expect(page).to_have_url(re.compile(r"/admin/users/\?q=kofi"))
    expect(page.locator("#results")).to_contain_text("1 account")
    expect(page.locator("h1")).to_have_count(1)
    check_a11y(page)


def test_anonymous_is_sent_to_log_in(page: Page, live_server: str, app: Flask) -> None:
    # ``app`` is requested so the autouse cleanup runs for this test too.
    page.goto("/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    check_a11y(page)
    screenshot(page, "home-anonymous.png")

    page.goto("/admin/users/")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/users/$"))
    expect(page.get_by_text("Please log in to see this page.")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    check_a11y(page)
    screenshot(page, "login.png")
